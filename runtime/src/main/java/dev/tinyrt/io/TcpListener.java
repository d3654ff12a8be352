// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Future;
import dev.tinyrt.internal.ResourceMaker;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A TCP server socket whose {@link #accept()} is a future: a task waits for the next connection
 * without holding a thread.
 *
 * <pre>{@code
 * try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
 *   while (true) {
 *     TcpStream client = await(listener.accept());
 *     Tasks.spawn(serve(client));
 *   }
 * }
 * }</pre>
 */
public final class TcpListener implements AutoCloseable {

  /** How many connections the kernel may queue before we accept them. */
  private static final int BACKLOG = 1024;

  /** The listening channel's registration with its driver. */
  private final Registration registration;

  /** The channel. */
  private final ServerSocketChannel channel;

  /** The driver the accepted streams are served by. */
  private final IoDriver driver;

  /** The address it is bound to, with the real port when bound to port 0. */
  private final InetSocketAddress localAddress;

  private TcpListener(ServerSocketChannel channel, IoDriver driver) throws IOException {
    this.channel = channel;
    this.driver = driver;
    this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    this.registration = new Registration(driver, channel, () -> "TcpListener " + localAddress);
  }

  /**
   * Binds a listener to {@code address}, served by the I/O of the runtime the caller runs on (in
   * one of its tasks, or its {@code blockOn}: {@link IoDriver#of}, the calling worker's selector on
   * a per-worker runtime, the driving thread's on a current-thread one), or by the {@linkplain
   * IoDriver#system() system driver} outside every runtime.
   *
   * @param address where to listen; port 0 for any free port ({@link #localAddress()} tells)
   * @return a listening socket
   * @throws BindException naming the address if it is in use
   * @throws IOException if the socket could not be opened
   * @throws IllegalStateException if called by a task of a runtime that is shut down
   */
  public static TcpListener bind(SocketAddress address) throws IOException {
    return bind(address, IoDriver.ofCaller());
  }

  /**
   * Binds a listener to {@code address}, served by {@code driver}.
   *
   * @param address where to listen
   * @param driver the I/O driver that wakes its accepts (and serves the accepted streams)
   * @return a listening socket
   * @throws BindException naming the address if it is in use
   * @throws IOException if the socket could not be opened
   */
  public static TcpListener bind(SocketAddress address, IoDriver driver) throws IOException {
    Objects.requireNonNull(address, "address");
    return Binding.bind(ServerSocketChannel.open(), address, c -> c.bind(address, BACKLOG),
        c -> new TcpListener(c, driver));
  }

  /** @return the address it listens on, with the real port */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * Returns a future of the next connection. Dropped while it waits (a timeout, a select, an
   * abort), it leaves nothing registered; a connection that arrives later stays queued in the
   * kernel for the next accept.
   *
   * @return a new future
   */
  public Future<TcpStream> accept() {
    return new Accept();
  }

  /**
   * Closes the listener: its key is cancelled and an accept waiting on it fails at its await.
   * Streams already accepted stay open. Idempotent.
   *
   * @throws IOException if closing the socket failed
   */
  @Override
  public void close() throws IOException {
    registration.close();
  }

  /** @return whether {@code io}'s selector serves this listener (for this package's tests) */
  boolean servedBy(IoDriver io) {
    return registration.servedBy(io);
  }

  @Override
  public String toString() {
    return registration.description();
  }

  /** {@link #accept()}. */
  private final class Accept extends IoOp<TcpStream> implements ResourceMaker {

    Accept() {
      super(TcpListener.this.registration, SelectionKey.OP_ACCEPT);
    }

    @Override
    Object attempt() throws IOException {
      SocketChannel accepted = channel.accept();
      // On a per-worker runtime, the stream's key goes to the selector of the worker accepting.
      return accepted == null ? WOULD_BLOCK : TcpStream.of(accepted, driver.forNewSocket());
    }

    @Override
    String what() {
      return "the accept of " + registration.description();
    }
  }
}
