// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.internal.CallSite;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The exceptions a socket operation throws at the await, each saying which socket, what happened
 * and what to do: the JDK's are terse ({@code ClosedChannelException} has no message at all).
 * Their types stay the JDK's ({@link ConnectException}, {@link BindException}, {@link
 * SocketException}), so callers catch what they would catch with blocking sockets.
 */
final class IoErrors {

  private IoErrors() {}

  /**
   * @param registration the socket
   * @return the exception of an operation on a socket that was closed
   */
  static SocketException closed(Registration registration) {
    return new SocketException(registration.description() + " was closed (close() was called): an "
        + "operation on it after, or while, it closes fails; open a new socket");
  }

  /**
   * @param registration the socket
   * @param driver its driver, closed
   * @return the exception of an operation that would wait on a closed driver (a shut-down
   *     runtime's selector)
   */
  static IOException driverClosed(Registration registration, Reactor driver) {
    return new IOException(CallSite.withUserCode(
        registration.description() + " cannot wait: " + driver.closedReason(), "awaited in"));
  }

  /**
   * @param address the address
   * @param cause the JDK's exception
   * @return the exception of a connection that was refused
   */
  static ConnectException refused(SocketAddress address, IOException cause) {
    ConnectException e = new ConnectException("connection refused by " + address
        + ": no server listens there (is it started, on that port and interface?)");
    e.initCause(cause);
    return e;
  }

  /**
   * @param address the address
   * @param cause the JDK's exception
   * @return the exception of a bind to an address in use
   */
  static BindException inUse(SocketAddress address, IOException cause) {
    BindException e = new BindException("address already in use: " + address
        + " (another socket is bound to it: pick another port, or port 0 for any free one)");
    e.initCause(cause);
    return e;
  }

  /**
   * Maps what a channel threw to the exception thrown at the await.
   *
   * @param e what the channel threw
   * @param registration the socket
   * @return the exception to throw
   */
  static Throwable map(Throwable e, Registration registration) {
    if (e instanceof ClosedChannelException || e instanceof AsynchronousCloseException) {
      if (registration.isClosed()) {
        SocketException closed = closed(registration);
        closed.initCause(e);
        return closed;
      }
      SocketException half = new SocketException(registration.description() + ": this direction was "
          + "shut down (shutdownOutput() was called, so writing is over; reading still works)");
      half.initCause(e);
      return half;
    }
    if (e instanceof UnresolvedAddressException) {
      // What a blocking Socket throws for the same address; the JDK's channel says nothing.
      UnknownHostException unknown = new UnknownHostException(registration.description()
          + ": the address is unresolved (InetSocketAddress.createUnresolved, or a host name that "
          + "did not resolve): check the host name, and resolve it first, with new "
          + "InetSocketAddress(host, port)");
      unknown.initCause(e);
      return unknown;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof IOException && message.contains("reset")) {
      SocketException reset = new SocketException(registration.description()
          + ": connection reset by peer (the other side closed abruptly, or with unread data)");
      reset.initCause(e);
      return reset;
    }
    if (e instanceof IOException && message.contains("Broken pipe")) {
      SocketException broken = new SocketException(registration.description()
          + ": broken pipe (the peer closed the connection; nothing more can be written)");
      broken.initCause(e);
      return broken;
    }
    return e;
  }
}
