// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.NullPoll;
import dev.tinyrt.internal.ThreadWaker;

/**
 * {@code blockOn} on a current-thread runtime: the calling thread polls the main future when its
 * waker fires and runs the spawned tasks in between, parking when there is nothing to do.
 */
final class LocalBlockOn<T> {

  private final Future<T> future;

  /** The main future's outcome, once ready. */
  private Poll<T> result;

  /**
   * How many tasks run before the main future is polled again: those that were ready when it last
   * returned pending, so a main future that yields goes behind them, as a task does.
   */
  private int behind;

  LocalBlockOn(Future<T> future) {
    this.future = future;
  }

  T run(CurrentThreadScheduler scheduler) {
    // Notified from the start: the main future is polled first. Its waker unparks this thread
    // (through the scheduler's parker, if one is installed: the thread may be selecting).
    Thread self = Thread.currentThread();
    ThreadWaker mainWaker = new ThreadWaker(self, () -> scheduler.unparkDriver(self), true);
    Context cx = Context.from(mainWaker);
    scheduler.drive(() -> {
      if (result != null) {
        return true;
      }
      if (behind > 0 && !scheduler.isEmpty()) {
        behind--;
        return false; // one more of the tasks that were ready before the main future runs
      }
      if (mainWaker.takeNotification()) {
        Poll<T> poll = NullPoll.checked(SlowPolls.ENABLED // off: no code
            ? SlowPolls.poll(future, cx, "the future of blockOn") : future.poll(cx), future);
        if (poll.isReady()) {
          result = poll;
          return true;
        }
        behind = scheduler.takeReady();
      }
      return false;
    }, Long.MAX_VALUE);
    return result.get();
  }
}
