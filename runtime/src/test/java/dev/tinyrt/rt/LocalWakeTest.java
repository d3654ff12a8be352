// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A current-thread runtime's two wake paths driven by hand, one step at a time ({@link
 * CurrentThreadScheduler#runOne}): a wake from the driving thread (plain writes of the task's
 * local word) and one from any other thread (its shared word and the incoming queue). {@code
 * LocalWakeModelCheckTest} explores their races; these pin the outcomes a reader can check.
 */
class LocalWakeTest {

  /** Which task each poll was of, in order. */
  private final List<String> polls = new ArrayList<>();

  /** A future that records its polls under {@code name} and stays pending. */
  private Future<Void> pending(String name) {
    return cx -> {
      polls.add(name);
      return Poll.pending();
    };
  }

  /** Wakes {@code task} on this thread as the runtime's driver (a wake from its own thread). */
  private static void wakeAsDriver(CurrentThreadScheduler scheduler, JoinHandle<?> task) {
    scheduler.claim("the test", "n/a");
    try {
      ((Task<?>) task).wake();
    } finally {
      scheduler.release();
    }
  }

  @Test
  void aTaskWokenBothWaysBeforeTheDriverTakesItInIsQueuedOnce() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      CurrentThreadScheduler scheduler = rt.localScheduler();
      JoinHandle<Void> a = rt.spawn(pending("a"));
      assertTrue(scheduler.runOne());
      // From outside (this thread drives nothing now): SCHEDULED, on the incoming queue.
      ((Task<?>) a).wake();
      // From the driving thread: its one ready entry; then the driver takes the outside wakes in.
      scheduler.claim("the test", "n/a");
      try {
        ((Task<?>) a).wake();
        assertEquals(1, scheduler.takeReady(), "the outside wake found the ready entry");
      } finally {
        scheduler.release();
      }
      assertTrue(scheduler.runOne());
      assertFalse(scheduler.runOne(), "nothing left: one poll answered both wakes");
      assertEquals(List.of("a", "a"), polls);
      // SCHEDULED was cleared when it was taken in: the next outside wake queues it again.
      ((Task<?>) a).wake();
      assertTrue(scheduler.runOne());
      assertEquals(List.of("a", "a", "a"), polls);
    } finally {
      rt.shutdown(Duration.ZERO); // cancels the pending task at once
    }
  }

  @Test
  void aTaskThatWakesItselfGoesBehindTheOutsideWakes() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      CurrentThreadScheduler scheduler = rt.localScheduler();
      JoinHandle<Void> b = rt.spawn(pending("b"));
      assertTrue(scheduler.runOne());
      int[] yields = {1};
      Future<Void> yielder = new Future<>() {
        @Override
        public Poll<Void> poll(Context cx) {
          polls.add("a");
          if (yields[0]-- > 0) {
            // b is woken from another thread while a runs, then a wakes itself (a yield).
            Thread outside = new Thread(((Task<?>) b)::wake);
            outside.start();
            try {
              outside.join();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            cx.waker().wake();
          }
          return Poll.pending();
        }
      };
      rt.spawn(yielder);
      while (scheduler.runOne()) {
        // a, then b (woken from outside before a yielded), then a again.
      }
      assertEquals(List.of("b", "a", "b", "a"), polls);
    } finally {
      rt.shutdown(Duration.ZERO); // cancels the pending tasks at once
    }
  }

  @Test
  void aWakeAfterCompletionIsIgnoredOnBothPaths() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      CurrentThreadScheduler scheduler = rt.localScheduler();
      JoinHandle<String> done = rt.spawn(Future.ready("done"));
      assertTrue(scheduler.runOne());
      assertTrue(done.isFinished());
      wakeAsDriver(scheduler, done);
      ((Task<?>) done).wake();
      assertFalse(scheduler.runOne(), "a finished task is never queued again");
      assertTrue(scheduler.isEmpty());
    }
  }
}
