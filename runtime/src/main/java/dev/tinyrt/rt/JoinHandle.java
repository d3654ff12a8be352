// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of a spawned task, and a future of its outcome: awaiting it gives the task's value,
 * throws the task's own exception if it failed, or {@link CancelledException} if it was cancelled.
 * Losing the handle never cancels the task; {@link #abort()} does.
 *
 * @param <T> the task's value type
 */
public final class JoinHandle<T> implements Future<T> {

  /** The task. */
  private final Task<T> task;

  JoinHandle(Task<T> task) {
    this.task = task;
  }

  @Override
  public Poll<T> poll(Context cx) {
    return task.pollOutcome(cx.waker());
  }

  /**
   * Cancels the task: it receives {@link CancelledException} at the await where it is parked, so
   * its {@code finally} blocks run. Does nothing if the task already finished.
   */
  public void abort() {
    task.abort();
  }

  /** @return whether the task finished: returned, failed or was cancelled */
  public boolean isFinished() {
    return task.isComplete();
  }

  /** @return whether the task finished by cancellation */
  public boolean isCancelled() {
    return task.isCancelled();
  }

  /** @return whether the task finished by throwing (cancellation aside) */
  public boolean isFailed() {
    return task.isFailed();
  }

  /**
   * Returns a {@code CompletableFuture} of the task's outcome. Cancelling it aborts the task; it
   * completes as cancelled if the task was, exceptionally with the task's own exception if it
   * failed.
   *
   * @return a new stage
   */
  public CompletableFuture<T> toCompletableFuture() {
    CompletableFuture<T> cf = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        task.abort();
        return super.cancel(mayInterruptIfRunning);
      }
    };
    task.addListener(cf);
    return cf;
  }

  @Override
  public String toString() {
    return "JoinHandle[" + task + "]";
  }
}
