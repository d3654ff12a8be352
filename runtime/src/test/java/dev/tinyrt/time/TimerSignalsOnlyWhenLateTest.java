// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A sleep added for a deadline the timer's driver thread already waits for wakes nobody: each
 * added sleep that was the heap's earliest signalled the driver, so an interval's tick lost in
 * every turn of a select (or a timeout around each receive that a message beats) cost a context
 * switch of the timer thread per message, 89,000 to 209,000 switches for 2M messages where the
 * same loop with its futures the other way round had 1,000 to 2,000 (found by a new user; it
 * failed before). A deadline earlier than the one the driver waits for still signals it.
 */
class TimerSignalsOnlyWhenLateTest {

  /** Waits until the driver thread waits again (it does within microseconds of a signal). */
  private static void untilTheDriverWaits(Timer timer) {
    while (!timer.driverWaits()) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aSleepForTheDeadlineTheDriverWaitsForCostsNoSignal() {
    ManualClock clock = new ManualClock(); // not advanced: the driver waits in real time
    Timer timer = Timer.driven(clock, "test-timer", "a test's timer");
    untilTheDriverWaits(timer);
    long hour = clock.nanoTime() + Duration.ofHours(1).toNanos();
    CountingWaker waker = new CountingWaker();
    Future<Void> first = timer.sleepUntil(hour);
    assertTrue(first.poll(waker.context()).isPending());
    assertEquals(1, timer.signals(), "the driver waited with no deadline: it is told");
    untilTheDriverWaits(timer);
    ((Droppable) first).drop();
    for (int i = 0; i < 1_000; i++) {
      // An interval's tick, lost in every turn of a select: added, then dropped.
      Future<Void> again = timer.sleepUntil(hour);
      assertTrue(again.poll(waker.context()).isPending());
      ((Droppable) again).drop();
    }
    assertEquals(1, timer.signals(), "the driver already wakes at that deadline");
    Future<Void> later = timer.sleepUntil(hour + 1);
    assertTrue(later.poll(waker.context()).isPending());
    assertEquals(1, timer.signals(), "nor for a later one");
    untilTheDriverWaits(timer); // after a spurious wake-up, if there was one
    Future<Void> earlier = timer.sleepUntil(hour - Duration.ofMinutes(1).toNanos());
    assertTrue(earlier.poll(waker.context()).isPending());
    assertEquals(2, timer.signals(), "an earlier deadline: the driver must wake sooner");
    ((Droppable) later).drop();
    ((Droppable) earlier).drop();
    assertEquals(0, waker.count());
  }
}
