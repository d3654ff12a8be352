// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of a spawned task, and a future of its outcome: awaiting it gives the task's value,
 * throws the task's own exception if it failed, or {@link CancelledException} if it was cancelled.
 * It may be awaited or polled any number of times, by any number of tasks and threads at once:
 * each is woken when the task finishes. An await of it that is abandoned (a lost select, a
 * timeout) forgets its waker and leaves the task alone: losing or abandoning the handle never
 * cancels the task; {@link #abort()} does.
 *
 * <p>The handle is not a way to run the task: only its runtime polls it.
 *
 * @param <T> the task's value type
 */
public interface JoinHandle<T> extends Future<T> {

  /**
   * Cancels the task: it receives {@link CancelledException} at the await where it is parked, and
   * at every await it reaches after that, so its {@code finally} blocks run (clean-up that must
   * await goes in {@code Futures.nonCancellable}). Returns at once; does nothing if the task
   * already finished.
   */
  void abort();

  /** @return whether the task finished: returned, failed or was cancelled */
  boolean isFinished();

  /**
   * @return whether the task is cancelled: from {@link #abort()} (or the runtime's shutdown) until
   *     it finishes, and after, if it finished by cancellation rather than by returning or failing
   */
  boolean isCancelled();

  /** @return whether the task finished by throwing (cancellation aside) */
  boolean isFailed();

  /**
   * Returns a {@code CompletableFuture} of the task's outcome. Cancelling it aborts the task; it
   * completes as cancelled if the task was, exceptionally with the task's own exception if it
   * failed. A stage its holder completes first (by {@code orTimeout}, {@code completeOnTimeout},
   * {@code complete} or {@code cancel}) stops waiting at once: the task keeps no reference to it.
   *
   * <p>Each call makes a new stage, which the task holds until it finishes or the stage is
   * completed: a callback attached to it and then left runs when the task ends, as with any {@code
   * CompletableFuture}. So one given up without completing it (a {@code get(timeout)} that timed
   * out, an await of it that lost a select) stays, a few hundred bytes, until the task ends: on a
   * task that runs for long, ask for one stage and keep it, give one up with {@code orTimeout} (or
   * {@code completeExceptionally}), and in async code await the handle itself.
   *
   * @return a new stage
   */
  CompletableFuture<T> toCompletableFuture();
}
