// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What a task hands to each {@link Future#poll}: the waker to wake when the future returns pending,
 * and whether the task has been cancelled. Made once per task, not once per poll; an executor's
 * task may be its own context, as tinyrt's are.
 */
public abstract class Context {

  /** For executors whose tasks are their own context. */
  protected Context() {}

  /**
   * Returns a context whose waker is {@code waker}, never cancelled.
   *
   * @param waker the task's waker
   * @return a new context
   */
  public static Context from(Waker waker) {
    return new Simple(Objects.requireNonNull(waker, "waker"), null);
  }

  /**
   * Returns a context whose waker is {@code waker} and whose task is cancelled once {@code
   * cancelled} says so. A rewritten async method polled with a cancelled context throws {@link
   * CancelledException} at the await where it is parked.
   *
   * @param waker the task's waker
   * @param cancelled answers whether the task was cancelled; must be cheap and thread-safe
   * @return a new context
   */
  public static Context from(Waker waker, BooleanSupplier cancelled) {
    return new Simple(
        Objects.requireNonNull(waker, "waker"), Objects.requireNonNull(cancelled, "cancelled"));
  }

  /** @return the waker to wake when a future polled with this context can make progress */
  public abstract Waker waker();

  /** @return whether the task polling with this context has been cancelled */
  public abstract boolean isCancelled();

  /** The context of {@link #from}. */
  private static final class Simple extends Context {

    /** The waker of the task doing the polling. */
    private final Waker waker;

    /** Answers whether the task was cancelled; null for never. */
    private final BooleanSupplier cancelled;

    Simple(Waker waker, BooleanSupplier cancelled) {
      this.waker = waker;
      this.cancelled = cancelled;
    }

    @Override
    public Waker waker() {
      return waker;
    }

    @Override
    public boolean isCancelled() {
      return cancelled != null && cancelled.getAsBoolean();
    }
  }
}
