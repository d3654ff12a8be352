// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers on a manual clock: nothing waits for real time. */
@Timeout(30)
class TimerTest {

  final ManualClock clock = new ManualClock();
  final Timer timer = Timer.manual(clock);
  final AtomicInteger wakes = new AtomicInteger();
  final Context cx = Context.from(wakes::incrementAndGet);

  static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  @Test
  void aSleepIsReadyWhenTheClockReachesItsDeadline() {
    Future<Void> sleep = timer.sleep(ms(100));
    assertTrue(sleep.poll(cx).isPending());
    clock.advance(ms(99));
    assertEquals(0, wakes.get());
    assertTrue(sleep.poll(cx).isPending());
    clock.advance(ms(1));
    assertEquals(1, wakes.get());
    assertTrue(sleep.poll(cx).isReady());
  }

  @Test
  void sleepsFireInDeadlineOrderAndEqualDeadlinesInInsertionOrder() {
    StringBuilder order = new StringBuilder();
    Future<Void> late = timer.sleep(ms(30));
    Future<Void> early = timer.sleep(ms(10));
    Future<Void> sameA = timer.sleep(ms(20));
    Future<Void> sameB = timer.sleep(ms(20));
    late.poll(Context.from(() -> order.append("late ")));
    early.poll(Context.from(() -> order.append("early ")));
    sameA.poll(Context.from(() -> order.append("A ")));
    sameB.poll(Context.from(() -> order.append("B ")));
    clock.advance(ms(30));
    assertEquals("early A B late ", order.toString());
  }

  @Test
  void aZeroOrPastSleepIsReadyAtOnceAndNeverEntersTheHeap() {
    assertTrue(timer.sleep(Duration.ZERO).poll(cx).isReady());
    assertTrue(timer.sleepUntil(clock.nanoTime() - 5).poll(cx).isReady());
    assertEquals(0, timer.pending());
  }

  @Test
  void aDroppedSleepWakesNobody() {
    Future<Void> sleep = timer.sleep(ms(5));
    assertTrue(sleep.poll(cx).isPending());
    ((Droppable) sleep).drop();
    clock.advance(ms(5));
    assertEquals(0, wakes.get());
    assertEquals(0, timer.pending());
  }

  /** Pending until completed; records a drop. */
  static final class Pending<T> implements Future<T>, Droppable {
    T value;
    boolean dropped;

    @Override
    public Poll<T> poll(Context cx) {
      return value == null ? Poll.pending() : Poll.ready(value);
    }

    @Override
    public void drop() {
      dropped = true;
    }
  }

  @Test
  void aTimeoutThrowsElapsedAndAbandonsItsFuture() {
    Pending<String> inner = new Pending<>();
    Future<String> limited = timer.timeout(inner, ms(50));
    assertTrue(limited.poll(cx).isPending());
    clock.advance(ms(50));
    assertEquals(1, wakes.get());
    Elapsed e = assertThrows(Elapsed.class, () -> limited.poll(cx));
    assertTrue(e.getMessage().contains("PT0.05S"), e.getMessage());
    assertTrue(inner.dropped);
  }

  @Test
  void aTimeoutWhoseFutureWinsGivesItsValueAndDropsTheDeadline() {
    Pending<String> inner = new Pending<>();
    Future<String> limited = timer.timeout(inner, ms(50));
    assertTrue(limited.poll(cx).isPending());
    inner.value = "in time";
    assertEquals("in time", limited.poll(cx).get());
    clock.advance(ms(50));
    assertEquals(0, wakes.get(), "the dropped deadline wakes nobody");
  }

  long tick(Interval interval) {
    Future<Long> t = interval.tick();
    Poll<Long> p = t.poll(cx);
    assertTrue(p.isReady(), "tick due");
    return p.get();
  }

  @Test
  void anIntervalTicksAtOnceThenEveryPeriod() {
    long start = clock.nanoTime();
    Interval interval = timer.interval(ms(10), MissedTicks.BURST);
    assertEquals(start, tick(interval));
    Future<Long> second = interval.tick();
    assertTrue(second.poll(cx).isPending());
    clock.advance(ms(10));
    assertEquals(1, wakes.get());
    assertEquals(start + ms(10).toNanos(), second.poll(cx).get());
  }

  @Test
  void anAbandonedTickLeavesTheTimerAndTheScheduleStays() {
    long start = clock.nanoTime();
    Interval interval = timer.interval(ms(10), MissedTicks.BURST);
    assertEquals(start, tick(interval));
    Future<Long> abandoned = interval.tick();
    assertTrue(abandoned.poll(cx).isPending());
    assertEquals(1, timer.pending());
    ((Droppable) abandoned).drop();
    assertEquals(0, timer.pending(), "the abandoned tick's sleep left the heap");
    clock.advance(ms(10));
    assertEquals(0, wakes.get(), "nobody is woken for an abandoned tick");
    assertEquals(start + ms(10).toNanos(), tick(interval), "the next tick is the same one");
  }

  @Test
  void missedTicksBurstDelayOrSkip() {
    long t0 = clock.nanoTime();
    long p = ms(10).toNanos();
    Interval burst = timer.interval(ms(10), MissedTicks.BURST);
    Interval delay = timer.interval(ms(10), MissedTicks.DELAY);
    Interval skip = timer.interval(ms(10), MissedTicks.SKIP);
    for (Interval i : new Interval[] {burst, delay, skip}) {
      assertEquals(t0, tick(i));
    }
    clock.advance(ms(35)); // now t0 + 35: ticks at 10, 20, 30 were due
    // BURST: every missed tick, in schedule order, then on schedule.
    assertEquals(t0 + p, tick(burst));
    assertEquals(t0 + 2 * p, tick(burst));
    assertEquals(t0 + 3 * p, tick(burst));
    assertTrue(burst.tick().poll(cx).isPending());
    // SKIP: one late tick, then the original schedule's next tick (40).
    assertEquals(t0 + p, tick(skip));
    Future<Long> skipped = skip.tick();
    assertTrue(skipped.poll(cx).isPending());
    clock.advance(ms(5)); // now t0 + 40
    assertEquals(t0 + 4 * p, skipped.poll(cx).get());
    // DELAY: one late tick, then the schedule restarts from now (40 -> 50).
    assertEquals(t0 + p, tick(delay));
    Future<Long> delayed = delay.tick();
    assertTrue(delayed.poll(cx).isPending());
    clock.advance(ms(9));
    assertTrue(delayed.poll(cx).isPending());
    clock.advance(ms(1));
    assertEquals(t0 + 5 * p, delayed.poll(cx).get());
  }

  @Test
  void theSystemTimerFiresWithItsOneDriverThread() {
    Timer system = Timer.system();
    assertEquals(null, Async.blockOn(system.sleep(Duration.ofMillis(1))));
    Future<Void> never = system.sleep(Duration.ofHours(1));
    assertTrue(never.poll(Context.from(Waker.noop())).isPending());
    ((Droppable) never).drop();
  }
}
