// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Poll;

/**
 * The failure of a future whose {@code poll} returned {@code null}, which no future may: the
 * runtime's own polls of a future it did not write (a task's, a combinator's child's, {@code
 * blockOn}'s, a non-cancellable section's) fail with this instead of a {@code NullPointerException}
 * thrown from their own code, where it once left a task running for ever and ended the worker
 * thread that polled it. Not covered: an await in a rewritten async method, whose emitted code
 * polls the awaited future itself: there the null fails the task with a plain {@code
 * NullPointerException} at the await's line (no hang, no thread lost). Checking it would add a
 * call to every await (a stack frame in every trace, an inlining level in every chain).
 */
public final class NullPoll {

  private NullPoll() {}

  /**
   * @param poll what {@code future}'s poll returned
   * @param future the future polled
   * @param <T> its value type
   * @return {@code poll}
   * @throws IllegalStateException naming the future's class, if {@code poll} is null
   */
  public static <T> Poll<T> checked(Poll<T> poll, Object future) {
    if (poll == null) {
      throw of(future);
    }
    return poll;
  }

  /**
   * @param future the future whose poll returned null
   * @return the exception to throw in the poller's place, naming the future's class
   */
  public static IllegalStateException of(Object future) {
    return new IllegalStateException(future.getClass().getName() + ".poll(Context) returned null."
        + " A poll returns Poll.pending() (after keeping cx.waker() to wake the task when it can"
        + " go on) or Poll.ready(value), never null.");
  }
}
