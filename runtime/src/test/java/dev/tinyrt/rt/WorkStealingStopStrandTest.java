// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * What a work-stealing runtime's stop leaves behind, stepped by hand on workers that are never
 * started (a review's two findings against the first fix of wakes racing a stop):
 *
 * <ul>
 *   <li>an outside wake a worker took from the injection queue with its batch just before the stop
 *       sat in the worker's local queue when the worker left its loop, neither run nor given up;
 *       now the leaving worker gives up what it holds ({@link Worker#leave});
 *   <li>the stop's drain of the injection queue gave each task up on the stopping thread, and a
 *       task whose awaiter had a throwing Waker threw out of stop(), leaving the rest of the queue
 *       live; now a multi-threaded runtime's completion logs a throwing Waker ({@code
 *       Task.complete}), and {@code AsyncRuntime.lostWake} logs whatever else a give-up throws, so
 *       a wake never throws.
 * </ul>
 */
class WorkStealingStopStrandTest {

  private WorkStealingScheduler scheduler;

  private AsyncRuntime build() {
    AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread(1);
    b.scheduler = rt -> scheduler =
        new WorkStealingScheduler(rt, 1, "stop-strand", 1 << 20, /* start = */ false);
    return b.build();
  }

  /** Worker.run's steps by hand: next() takes a batch, runs one task, the stop comes, it leaves. */
  @Test
  void anOutsideWakeTakenIntoALocalQueueBeforeTheStopIsGivenUp() {
    AsyncRuntime rt = build();
    JoinHandle<Void> a = rt.spawn(cx -> Poll.ready(null));
    JoinHandle<Void> b = rt.spawn(cx -> Poll.pending()); // both woken from outside: injection
    Worker w = scheduler.workers[0];
    Task<?> first = w.next(); // takes a and b into its local queue, pops a
    assertSame(a, first);
    scheduler.stop(); // meanwhile (its join of an unstarted worker returns at once)
    w.runFound(first);
    w.leave(); // the loop saw stopped: what Worker.run does as it ends
    assertTrue(b.isFinished() && b.isCancelled(), "b, woken before the stop, was stranded");
    assertTrue(w.queue.isEmpty());
  }

  @Test
  void aThrowingAwaiterWakerDoesNotStopTheDrainOfTheInjectionQueue() {
    AsyncRuntime rt = build();
    JoinHandle<Void> a = rt.spawn(cx -> Poll.pending());
    JoinHandle<Void> b = rt.spawn(cx -> Poll.pending());
    Waker throwing = () -> {
      throw new IllegalStateException("a user's waker failed");
    };
    assertTrue(a.poll(Context.from(throwing, () -> false)).isPending());
    Logger log = Logger.getLogger("dev.tinyrt");
    Handler quiet = new Handler() {
      @Override
      public void publish(LogRecord record) {}

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    boolean parents = log.getUseParentHandlers();
    log.setUseParentHandlers(false); // the expected warning, kept out of the build's output
    log.addHandler(quiet);
    Throwable thrown = null;
    try {
      scheduler.stop(); // both are still in the injection queue: given up by the drain
    } catch (Throwable t) {
      thrown = t;
    } finally {
      log.removeHandler(quiet);
      log.setUseParentHandlers(parents);
    }
    assertNull(thrown, "stop() threw the user's waker failure");
    assertTrue(a.isCancelled() && b.isCancelled(), "a task was left live");
  }
}
