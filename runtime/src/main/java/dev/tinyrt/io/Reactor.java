// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * The side of an {@link IoDriver} that a {@link Registration} talks to: queue a change for the
 * selecting thread, register a channel there, tell whether the driver closed. An interface so that
 * the registration protocol can be model-checked against a stand-in for the selector ({@code
 * RegistrationModelCheckTest}); {@link IoDriver#reactor()} is the real one.
 */
interface Reactor {

  /**
   * Queues {@code change} for the selecting thread, and wakes that thread if it is blocked in
   * {@code select}.
   *
   * @param change what the selecting thread runs before it selects again
   */
  void submit(Runnable change);

  /** @return whether the driver was closed: operations that would wait fail */
  boolean isClosed();

  /**
   * @return why an operation cannot wait here once {@link #isClosed()}, and what to do, for its
   *     exception (a runtime's driver says that the runtime was shut down)
   */
  default String closedReason() {
    return "the IoDriver serving this socket was closed (" + this + "): open the socket on a "
        + "running driver";
  }

  /**
   * Registers {@code channel} with the selector; called on the selecting thread only.
   *
   * @param channel the channel, non-blocking
   * @param ops the first interest set
   * @param registration the key's attachment
   * @return the key
   * @throws IOException if the channel was closed
   */
  SelectionKey register(SelectableChannel channel, int ops, Registration registration)
      throws IOException;
}
