// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.util.Objects;

/**
 * What a task hands to each {@link Future#poll}: for now, the waker to wake when the future
 * returns pending. Made once per task, not once per poll.
 */
public final class Context {

  /** The waker of the task doing the polling. */
  private final Waker waker;

  private Context(Waker waker) {
    this.waker = waker;
  }

  /**
   * Returns a context whose waker is {@code waker}.
   *
   * @param waker the task's waker
   * @return a new context
   */
  public static Context from(Waker waker) {
    return new Context(Objects.requireNonNull(waker, "waker"));
  }

  /** @return the waker to wake when a future polled with this context can make progress */
  public Waker waker() {
    return waker;
  }
}
