// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;

/**
 * Binds a freshly opened channel and wraps it (a {@link TcpListener}, a {@link UdpSocket}): the
 * channel is closed if any step fails, and an address in use is named in the exception.
 */
final class Binding {

  private Binding() {}

  /** One step on the channel that may fail with an {@link IOException}. */
  @FunctionalInterface
  interface Step<C, T> {
    /**
     * @param channel the open channel
     * @return what the step makes of it
     * @throws IOException if it failed
     */
    T apply(C channel) throws IOException;
  }

  /**
   * Binds {@code channel} to {@code address} with {@code bind}, then wraps it with {@code wrap}.
   *
   * @param channel a channel just opened, owned by this call until it returns
   * @param address where to bind, for the message if it is in use
   * @param bind binds it ({@code c -> c.bind(address, backlog)})
   * @param wrap makes the socket object
   * @param <C> the channel type
   * @param <T> the socket type
   * @return the socket
   * @throws BindException naming the address if it is in use
   * @throws IOException if binding or wrapping failed
   */
  static <C extends NetworkChannel, T> T bind(C channel, SocketAddress address,
      Step<C, ?> bind, Step<C, T> wrap) throws IOException {
    try {
      bind.apply(channel);
      return wrap.apply(channel);
    } catch (BindException e) {
      channel.close();
      throw IoErrors.inUse(address, e);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }
}
