// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A current-thread runtime's shutdown looked at its deadline only when no task was ready: a task
 * that wakes itself for ever, or (since tasks may spawn during the graceful wait) a chain of tasks
 * each spawning its successor, kept it past any deadline; shutdown(100 ms) never returned, and
 * shutdown(ZERO) ran a whole chain of 200,000 tasks and said they finished in time (found by a
 * hostile round; both cases failed before).
 */
class ShutdownDeadlineOnCurrentThreadTest {

  /** More tasks than any deadline of these tests lets run. */
  static final int LINKS = 200_000;

  /** A task that spawns its successor, then finishes; the LINKS-th spawns none. */
  static Future<Void> chain(AtomicInteger ran) {
    return cx -> {
      if (ran.incrementAndGet() < LINKS) {
        Tasks.spawn(chain(ran));
      }
      return Poll.readyNull();
    };
  }

  @Test
  void aSpawningChainDoesNotOutliveAZeroDeadline() {
    AtomicInteger ran = new AtomicInteger();
    AsyncRuntime rt = AsyncRuntime.currentThread();
    rt.spawn(chain(ran));
    boolean inTime = rt.shutdown(Duration.ZERO);
    // The deadline passed at once: after it every spawn must be refused, so the chain is cut
    // short, and the shutdown cannot report that every task finished in time.
    assertTrue(ran.get() < LINKS, "the whole chain of " + ran.get() + " tasks ran after the deadline"
        + " (shutdown returned " + inTime + ")");
    assertEquals(0, rt.liveTasks());
  }

  /** A task that wakes itself and yields LINKS times. */
  static Future<Void> yielder(AtomicInteger ran) {
    return cx -> {
      if (ran.incrementAndGet() < LINKS) {
        cx.waker().wake();
        return Poll.pending();
      }
      return Poll.readyNull();
    };
  }

  @Test
  void aYieldingTaskDoesNotOutliveAZeroDeadline() {
    AtomicInteger ran = new AtomicInteger();
    AsyncRuntime rt = AsyncRuntime.currentThread();
    rt.spawn(yielder(ran));
    boolean inTime = rt.shutdown(Duration.ZERO);
    assertTrue(ran.get() < LINKS, "the task was polled " + ran.get() + " times after the deadline");
    assertFalse(inTime, "shutdown(ZERO) reported every task finished in time");
  }
}
