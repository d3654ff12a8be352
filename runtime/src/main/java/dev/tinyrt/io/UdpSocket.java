// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Future;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;

/**
 * A UDP socket whose {@link #send} and {@link #receive} are futures. One receive and one send may
 * wait at a time; each is a leaf future that leaves nothing registered when dropped.
 */
public final class UdpSocket implements AutoCloseable {

  /** The channel's registration with its driver. */
  private final Registration registration;

  /** The channel, non-blocking. */
  private final DatagramChannel channel;

  /** The address it is bound to, with the real port. */
  private final InetSocketAddress localAddress;

  private UdpSocket(DatagramChannel channel, IoDriver driver) throws IOException {
    this.channel = channel;
    this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    this.registration = new Registration(driver, channel, () -> "UdpSocket " + localAddress);
  }

  /**
   * Binds a UDP socket to {@code address}, served by the I/O of the runtime the caller runs on (in
   * one of its tasks, or its {@code blockOn}: {@link IoDriver#of}), or by the {@linkplain
   * IoDriver#system() system driver} outside every runtime.
   *
   * @param address where to receive; port 0 for any free port
   * @return a bound socket
   * @throws BindException naming the address if it is in use
   * @throws IOException if the socket could not be opened
   */
  public static UdpSocket bind(SocketAddress address) throws IOException {
    return bind(address, IoDriver.ofCaller());
  }

  /**
   * Binds a UDP socket to {@code address}, served by {@code driver}.
   *
   * @param address where to receive
   * @param driver the I/O driver that wakes its operations
   * @return a bound socket
   * @throws BindException naming the address if it is in use
   * @throws IOException if the socket could not be opened
   */
  public static UdpSocket bind(SocketAddress address, IoDriver driver) throws IOException {
    Objects.requireNonNull(address, "address");
    return Binding.bind(DatagramChannel.open(), address, c -> c.bind(address),
        c -> new UdpSocket(c, driver));
  }

  /** @return the address it is bound to */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * Returns a future that sends {@code datagram} (position to limit) to {@code target} as one
   * datagram, waiting only if the socket's send buffer is full.
   *
   * @param datagram the bytes
   * @param target where to
   * @return a future of the number of bytes sent
   */
  public Future<Integer> send(ByteBuffer datagram, SocketAddress target) {
    Objects.requireNonNull(datagram, "datagram");
    Objects.requireNonNull(target, "target");
    return new IoOp<Integer>(registration, SelectionKey.OP_WRITE) {
      @Override
      Object attempt() throws IOException {
        int n = channel.send(datagram, target);
        return n == 0 && datagram.hasRemaining() ? WOULD_BLOCK : n;
      }

      @Override
      String what() {
        return "a send from " + registration.description();
      }
    };
  }

  /**
   * Returns a future that receives one datagram into {@code buffer}, waiting if none is there. A
   * datagram longer than the buffer's remaining space is cut, as with {@link DatagramChannel}.
   *
   * @param buffer where the bytes go
   * @return a future of the sender's address
   */
  public Future<SocketAddress> receive(ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    return new IoOp<SocketAddress>(registration, SelectionKey.OP_READ) {
      @Override
      Object attempt() throws IOException {
        SocketAddress from = channel.receive(buffer);
        return from == null ? WOULD_BLOCK : from;
      }

      @Override
      String what() {
        return "a receive of " + registration.description();
      }
    };
  }

  /**
   * Closes the socket: its key is cancelled and an operation waiting on it fails. Idempotent.
   *
   * @throws IOException if closing failed
   */
  @Override
  public void close() throws IOException {
    registration.close();
  }

  /** @return whether {@code io}'s selector serves this socket (for this package's tests) */
  boolean servedBy(IoDriver io) {
    return registration.servedBy(io);
  }

  @Override
  public String toString() {
    return registration.description();
  }
}
