// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

/**
 * Thrown to a receiver when the other side of its channel went away: the sender was closed, or
 * garbage-collected, before sending what the receiver was waiting for.
 */
public final class ChannelClosedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went away and what the sender should have done
   */
  public ChannelClosedException(String message) {
    super(message);
  }
}
