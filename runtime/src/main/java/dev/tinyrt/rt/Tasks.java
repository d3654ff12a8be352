// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Task functions for code running inside a runtime: spawn beside me, sleep, time out, yield, run blocking work. */
public final class Tasks {

  private Tasks() {}

  /**
   * Spawns {@code future} on the runtime running the current task.
   *
   * @param future the future
   * @param <T> its value type
   * @return the task's handle
   * @throws IllegalStateException outside a runtime
   * @throws java.util.concurrent.RejectedExecutionException once the runtime's shutdown passed
   *     its deadline (until then, a running task may still spawn: see {@link
   *     AsyncRuntime#shutdown})
   */
  public static <T> JoinHandle<T> spawn(Future<T> future) {
    return AsyncRuntime.current("Tasks.spawn", "call spawn on the runtime: rt.spawn(future)")
        .spawn(future);
  }

  /**
   * Runs blocking work on the current runtime's blocking pool.
   *
   * @param work the work
   * @param <T> its value type
   * @return a future of its result
   * @throws IllegalStateException outside a runtime
   */
  public static <T> Future<T> spawnBlocking(Callable<T> work) {
    return AsyncRuntime.current(
            "Tasks.spawnBlocking", "call spawnBlocking on the runtime: rt.spawnBlocking(work)")
        .spawnBlocking(work);
  }

  /**
   * Returns a future ready after {@code duration}, on the current runtime's timer.
   *
   * @param duration how long
   * @return a new future
   * @throws IllegalStateException outside a runtime
   */
  public static Future<Void> sleep(Duration duration) {
    return AsyncRuntime.current(
            "Tasks.sleep", "use the runtime's timer: rt.timer().sleep(duration)")
        .timer().sleep(duration);
  }

  /**
   * Returns {@code future} limited to {@code duration} on the current runtime's timer: it throws
   * {@link dev.tinyrt.time.Elapsed} when the time is up, and {@code future} is abandoned (see
   * {@link dev.tinyrt.time.Timer#timeout} for a future that cannot be abandoned at once).
   *
   * @param future the future
   * @param duration the limit
   * @param <T> its value type
   * @return a new future
   * @throws IllegalStateException outside a runtime
   */
  public static <T> Future<T> timeout(Future<T> future, Duration duration) {
    return AsyncRuntime.current(
            "Tasks.timeout", "use the runtime's timer: rt.timer().timeout(future, duration)")
        .timer().timeout(future, duration);
  }

  /**
   * Returns a future that is pending once, waking its task at once: awaiting it lets the other
   * tasks of the queue run before this one continues.
   *
   * @return a new future
   */
  public static Future<Void> yieldNow() {
    return new YieldNow();
  }

  /** Pending on the first poll (after waking itself), ready on the next. */
  private static final class YieldNow implements Future<Void> {
    private boolean yielded;

    @Override
    public Poll<Void> poll(Context cx) {
      if (yielded) {
        return Poll.readyNull();
      }
      yielded = true;
      cx.waker().wake();
      return Poll.pending();
    }
  }
}
