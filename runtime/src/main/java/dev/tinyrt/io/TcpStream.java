// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Future;
import dev.tinyrt.internal.ResourceMaker;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A TCP connection whose reads and writes are futures: a task that waits for bytes holds no
 * thread. One read and one write may wait at a time (a reader task and a writer task may share a
 * stream); a second concurrent read, or write, is refused with a message.
 *
 * <pre>{@code
 * try (TcpStream stream = await(TcpStream.connect(address))) {
 *   await(stream.writeAll(ByteBuffer.wrap("ping\n".getBytes(UTF_8))));
 *   String reply = await(new LineReader(stream).readLine());
 * }
 * }</pre>
 *
 * <p>Every operation is a leaf future that is dropped cleanly: abandoned by a timeout, a select or
 * an abort while it waits, it leaves no interest on the selector and holds no waker; the bytes it
 * already moved stay in (or out of) its buffer. {@code TCP_NODELAY} is on: small writes leave at
 * once instead of waiting for the peer's acknowledgement.
 */
public final class TcpStream implements AutoCloseable {

  /** The channel's registration with its driver; it holds the channel (non-blocking). */
  private final Registration registration;

  /** Our end's address. */
  private final InetSocketAddress localAddress;

  /** The peer's address. */
  private final InetSocketAddress remoteAddress;

  private TcpStream(SocketChannel channel, Registration registration) throws IOException {
    this.registration = registration;
    this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
    registration.description = this; // describe(), when a message needs it
    registration.markReadReady(); // a first readable() answers at once: the first read tells
  }

  /** Wraps an accepted channel; closes it if that fails. */
  static TcpStream of(SocketChannel accepted, IoDriver driver) throws IOException {
    try {
      accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
      return new TcpStream(accepted, new Registration(driver, accepted, () -> "TcpStream (accepted)"));
    } catch (IOException | RuntimeException e) {
      accepted.close();
      throw e;
    }
  }

  /**
   * Returns a future of a connection to {@code address}, served by the I/O of the runtime that
   * polls it first (its task, or its {@code blockOn}: {@link IoDriver#of}, the polling worker's
   * selector on a per-worker runtime), or by the {@linkplain IoDriver#system() system driver} if
   * it is first polled outside every runtime. The socket is opened on the first poll (never
   * before), and closed if the future is dropped before it connects.
   *
   * @param address where to connect
   * @return a future that throws {@link ConnectException} naming the address if it is refused
   */
  public static Future<TcpStream> connect(SocketAddress address) {
    return new Connect(Objects.requireNonNull(address, "address"), /* driver = */ null);
  }

  /**
   * Returns a future of a connection to {@code address}, served by {@code driver}.
   *
   * @param address where to connect
   * @param driver the I/O driver that wakes its operations
   * @return a future that throws {@link ConnectException} naming the address if it is refused
   */
  public static Future<TcpStream> connect(SocketAddress address, IoDriver driver) {
    return new Connect(Objects.requireNonNull(address, "address"), driver);
  }

  /**
   * Returns a future that reads what is there into {@code buffer}, waiting only if nothing is.
   *
   * @param buffer where the bytes go, from its position
   * @return a future of the number of bytes read: at least 1, 0 if {@code buffer} is full, -1 at
   *     the end of the stream (the peer shut down its output)
   */
  public Future<Integer> read(ByteBuffer buffer) {
    return read(registration, Objects.requireNonNull(buffer, "buffer"));
  }

  /** {@link #read(ByteBuffer)}, made in a static context: the op holds no stream (24 bytes). */
  private static IoOp<Integer> read(Registration registration, ByteBuffer buffer) {
    return new IoOp<Integer>(registration, SelectionKey.OP_READ) {
      @Override
      Object attempt() throws IOException {
        int room = buffer.remaining();
        if (room == 0) {
          return 0;
        }
        int n = ((SocketChannel) registration.channel()).read(buffer);
        registration.afterRead(n, room);
        return n == 0 ? WOULD_BLOCK : n;
      }

      @Override
      String what() {
        return "a read of " + registration.description();
      }
    };
  }

  /**
   * Returns a future ready once the socket may be read: bytes came, the peer shut down its output,
   * or the socket failed or was closed. It holds no buffer while it waits, so a connection that
   * waits for its next message this way, then reads with {@link #tryRead} into a buffer it takes
   * only then, keeps no buffer while idle (tokio's {@code readable()} and {@code try_read}). The
   * readiness may be spurious: {@link #tryRead} then returns 0, and the caller waits again.
   *
   * <p>It is ready at its first poll, with no select, while the socket is known readable: the
   * selector reported it so (or the stream is new) and no read since found it empty or read fewer
   * bytes than it had room for. Otherwise it waits for the selector.
   *
   * @return a future of nothing, ready once a read is worth trying
   */
  public Future<Void> readable() {
    return readable(registration);
  }

  /** {@link #readable()}, made in a static context: the op holds no stream (24 bytes). */
  private static IoOp<Void> readable(Registration registration) {
    return new IoOp<Void>(registration, SelectionKey.OP_READ) {
      /** Set once it waited: the wake that follows says the socket is readable. */
      private boolean waited;

      @Override
      Object attempt() {
        if (waited || registration.isReadReady()) {
          return null;
        }
        waited = true; // level-triggered: bytes already there are reported by the next select
        return WOULD_BLOCK;
      }

      @Override
      String what() {
        return "a readable() of " + registration.description();
      }
    };
  }

  /**
   * Reads what is there into {@code buffer} now, never waiting: for after {@link #readable()}.
   *
   * @param buffer where the bytes go, from its position
   * @return the number of bytes read: 0 if none were there (or {@code buffer} is full), -1 at the
   *     end of the stream. Fewer bytes than {@code buffer} had room for (0 included) means the
   *     socket was emptied: the next {@link #readable()} waits for the selector
   * @throws IOException if the socket was closed, reset or failed, with a message that says which
   */
  public int tryRead(ByteBuffer buffer) throws IOException {
    Objects.requireNonNull(buffer, "buffer");
    if (registration.isClosed()) {
      throw IoErrors.closed(registration);
    }
    try {
      int room = buffer.remaining();
      int n = ((SocketChannel) registration.channel()).read(buffer);
      registration.afterRead(n, room);
      return n;
    } catch (IOException e) {
      throw (IOException) IoErrors.map(e, registration);
    }
  }

  /**
   * Returns a future that fills {@code buffer} to its limit.
   *
   * @param buffer where the bytes go, from its position to its limit
   * @return a future that throws {@link EOFException} if the stream ends first
   */
  public Future<Void> readExact(ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    int wanted = buffer.remaining();
    return new IoOp<Void>(registration, SelectionKey.OP_READ) {
      @Override
      Object attempt() throws IOException {
        while (buffer.hasRemaining()) {
          int room = buffer.remaining();
          int n = channel().read(buffer);
          registration.afterRead(n, room);
          if (n < 0) {
            throw new EOFException(registration.description() + " ended after "
                + (wanted - buffer.remaining()) + " of the " + wanted + " bytes readExact wanted");
          }
          if (n == 0) {
            return WOULD_BLOCK;
          }
        }
        return null;
      }

      @Override
      String what() {
        return "a readExact of " + registration.description();
      }
    };
  }

  /**
   * Returns a future that writes what the socket takes now from {@code buffer}, waiting only if it
   * takes nothing.
   *
   * @param buffer the bytes, from its position to its limit
   * @return a future of the number of bytes written (0 only if {@code buffer} was empty)
   */
  public Future<Integer> write(ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    return new IoOp<Integer>(registration, SelectionKey.OP_WRITE) {
      @Override
      Object attempt() throws IOException {
        if (!buffer.hasRemaining()) {
          return 0;
        }
        int n = channel().write(buffer);
        return n == 0 ? WOULD_BLOCK : n;
      }

      @Override
      String what() {
        return "a write to " + registration.description();
      }
    };
  }

  /**
   * Returns a future that writes all of {@code buffer}.
   *
   * @param buffer the bytes, from its position to its limit
   * @return a future ready once the socket took every byte
   */
  public Future<Void> writeAll(ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    return new IoOp<Void>(registration, SelectionKey.OP_WRITE) {
      @Override
      Object attempt() throws IOException {
        while (buffer.hasRemaining()) {
          if (channel().write(buffer) == 0) {
            return WOULD_BLOCK;
          }
        }
        return null;
      }

      @Override
      String what() {
        return "a writeAll to " + registration.description();
      }
    };
  }

  /**
   * Shuts down the writing direction: the peer reads the end of the stream; reading goes on.
   * Writing after it fails with a message saying so.
   *
   * @throws IOException if the socket is closed
   */
  public void shutdownOutput() throws IOException {
    try {
      channel().shutdownOutput();
    } catch (IOException e) {
      throw (IOException) IoErrors.map(e, registration);
    }
  }

  /** @return our end's address */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** @return the peer's address */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * Closes the connection: its key is cancelled, its descriptor released once the driver selects
   * (it is asked to at once), and a read or write waiting on it fails at its await. Idempotent.
   *
   * @throws IOException if closing the socket failed
   */
  @Override
  public void close() throws IOException {
    registration.close();
  }

  /** @return the registration, for the line reader */
  Registration registration() {
    return registration;
  }

  /** @return the channel, for the line reader */
  SocketChannel channel() {
    return (SocketChannel) registration.channel();
  }

  /** @return what this stream is: its two ends (the registration's description) */
  String describe() {
    return "TcpStream " + localAddress + " -> " + remoteAddress;
  }

  /** @return whether {@code io}'s selector serves this stream (for this package's tests) */
  boolean servedBy(IoDriver io) {
    return registration.servedBy(io);
  }

  @Override
  public String toString() {
    return registration.description() + (registration.isClosed() ? " (closed)" : "");
  }

  /** {@link #connect}: opens the socket on its first poll, closes it if dropped or refused. */
  private static final class Connect extends IoOp<TcpStream> implements ResourceMaker {

    /** Where to connect. */
    private final SocketAddress address;

    /** The driver; null for the one of the runtime that polls first ({@link IoDriver#ofCaller}). */
    private final IoDriver driver;

    /** The socket, opened on the first poll. */
    private SocketChannel channel;

    Connect(SocketAddress address, IoDriver driver) {
      super(null, SelectionKey.OP_CONNECT);
      this.address = address;
      this.driver = driver;
    }

    @Override
    Object attempt() throws IOException {
      if (channel == null) {
        // On a per-worker runtime, its key goes to the selector of the worker connecting. Chosen
        // before the socket opens: a refusal (a shut-down runtime) then leaves no descriptor.
        IoDriver d = driver != null ? driver.forNewSocket() : IoDriver.ofCaller();
        channel = SocketChannel.open();
        registration = new Registration(d, channel,
            () -> "TcpStream connecting to " + address);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (!channel.connect(address)) {
          return WOULD_BLOCK;
        }
      } else if (!channel.finishConnect()) {
        return WOULD_BLOCK;
      }
      return new TcpStream(channel, registration);
    }

    @Override
    Throwable fail(Throwable e) {
      closeQuietly();
      if (e instanceof ConnectException refused) {
        return IoErrors.refused(address, refused);
      }
      return registration == null ? e : IoErrors.map(e, registration);
    }

    @Override
    void dropped() {
      closeQuietly();
    }

    private void closeQuietly() {
      try {
        if (registration != null) {
          registration.close();
        } else if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // nothing more to give back: the descriptor is released either way
      }
    }

    @Override
    String what() {
      return "the connect to " + address;
    }
  }
}
