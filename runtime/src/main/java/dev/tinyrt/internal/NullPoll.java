// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * The failure of a future whose {@code poll} returned {@code null}, which no future may: every
 * place that polls a future it did not write (a task, a combinator's child, {@code blockOn}) fails
 * with this instead of a {@code NullPointerException} thrown from its own code, where it once left
 * a task running for ever and ended the worker thread that polled it.
 */
public final class NullPoll {

  private NullPoll() {}

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
