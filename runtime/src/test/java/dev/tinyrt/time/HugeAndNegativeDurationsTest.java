// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.sync.Oneshot;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Durations at the ends of {@code Duration}'s range. Deadlines are compared by subtraction, so a
 * sleep of {@code Long.MAX_VALUE} ns wrapped around: added while another sleep was due but not
 * fired yet, it sorted first and the due sleep waited behind it for ever (on the JVM-wide timer,
 * every later sleep too). {@code ChronoUnit.FOREVER} threw {@code ArithmeticException}; a sleep of
 * {@code Long.MIN_VALUE} ns was pending instead of ready; a shutdown given {@code FOREVER} threw
 * half-way, leaving a runtime that refused spawns and never stopped. Found by a hostile campaign
 * (stop 24).
 */
class HugeAndNegativeDurationsTest {

  /** The longest durations a user may pass for "never". */
  private static final List<Duration> HUGE = List.of(Duration.ofNanos(Long.MAX_VALUE),
      Duration.ofSeconds(Long.MAX_VALUE), ChronoUnit.FOREVER.getDuration());

  @Test
  void aForeverSleepAddedWhileAnotherIsDueDoesNotHideIt() {
    for (Duration huge : HUGE) {
      ManualClock clock = new ManualClock();
      Timer first = Timer.manual(clock);
      Timer second = Timer.manual(clock); // fired after the first, as a late driver would be
      CountingWaker dueWaker = new CountingWaker();
      Future<Void> due = second.sleep(Duration.ofSeconds(1));
      assertTrue(due.poll(dueWaker.context()).isPending());
      // The first timer's sleep, due at the same instant, adds the forever sleep to the second
      // when it fires: then `due` is due, and the second timer has not fired it yet.
      CountingWaker foreverWaker = new CountingWaker();
      Future<Void> trigger = first.sleep(Duration.ofSeconds(1));
      assertTrue(trigger.poll(Context.from(() -> second.sleep(huge)
          .poll(foreverWaker.context()))).isPending());
      clock.advance(Duration.ofNanos(1_000_000_001L));
      assertEquals(1, dueWaker.count(), "the due sleep fired, beside a sleep of " + huge);
      clock.advance(Duration.ofDays(365));
      assertEquals(0, foreverWaker.count());
      assertEquals(1, second.pending(), "only the forever sleep waits");
    }
  }

  @Test
  void hugeSleepsAndTimeoutsArePendingAndOthersStillFire() {
    for (Duration huge : HUGE) {
      ManualClock clock = new ManualClock();
      Timer timer = Timer.manual(clock);
      CountingWaker hugeWaker = new CountingWaker();
      CountingWaker timeoutWaker = new CountingWaker();
      CountingWaker oneWaker = new CountingWaker();
      assertTrue(timer.sleep(huge).poll(hugeWaker.context()).isPending(), huge.toString());
      Future<Void> neverReady = cx -> Poll.pending();
      assertTrue(timer.timeout(neverReady, huge).poll(timeoutWaker.context()).isPending());
      assertTrue(timer.sleepUntil(clock.nanoTime() + Long.MAX_VALUE)
          .poll(hugeWaker.context()).isPending());
      assertTrue(timer.sleep(Duration.ofSeconds(1)).poll(oneWaker.context()).isPending());
      clock.advance(Duration.ofSeconds(2));
      assertEquals(1, oneWaker.count());
      clock.advance(Duration.ofDays(365 * 100));
      assertEquals(0, hugeWaker.count());
      assertEquals(0, timeoutWaker.count());
      assertEquals(3, timer.pending());
    }
  }

  @Test
  void negativeDurationsAreDueAtOnce() {
    ManualClock clock = new ManualClock();
    clock.advance(Duration.ofSeconds(5));
    Timer timer = Timer.manual(clock);
    CountingWaker waker = new CountingWaker();
    for (Duration past : List.of(Duration.ofNanos(Long.MIN_VALUE), Duration.ofSeconds(-1),
        Duration.ofSeconds(Long.MIN_VALUE), Duration.ZERO)) {
      assertTrue(timer.sleep(past).poll(waker.context()).isReady(), past.toString());
    }
    assertTrue(timer.sleepUntil(clock.nanoTime() - 1).poll(waker.context()).isReady());
    Future<Void> neverReady = cx -> Poll.pending();
    assertThrows(Elapsed.class, () -> timer.timeout(neverReady, Duration.ofNanos(Long.MIN_VALUE))
        .poll(waker.context()));
    assertEquals(0, timer.pending());
  }

  @Test
  void aManualClockAdvancedForEverDoesNotThrow() {
    // The hostile campaign: ManualClock.advance(FOREVER) threw ArithmeticException.
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    CountingWaker waker = new CountingWaker();
    assertTrue(timer.sleep(Duration.ofSeconds(1)).poll(waker.context()).isPending());
    clock.advance(ChronoUnit.FOREVER.getDuration());
    assertEquals(1, waker.count(), "the due sleep fired");
  }

  @Test
  void hugeIntervalsTickOnceAndNoMore() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    CountingWaker waker = new CountingWaker();
    Interval interval = timer.interval(ChronoUnit.FOREVER.getDuration(), MissedTicks.BURST);
    assertTrue(interval.tick().poll(waker.context()).isReady(), "the first tick is now");
    assertTrue(interval.tick().poll(waker.context()).isPending());
    clock.advance(Duration.ofDays(365 * 100));
    assertEquals(0, waker.count());
  }

  @Test
  void aShutdownGivenForeverWaitsForItsTasks() throws Exception {
    for (Duration huge : HUGE) {
      Oneshot.Channel<String> go = Oneshot.channel();
      AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("forever-" + huge).build();
      JoinHandle<String> task = rt.spawn(go.receiver());
      // Sends once the shutdown has begun, in a task the shutdown runs itself (a current-thread
      // runtime's shutdown drives its tasks on the calling thread; nothing drove them before): the
      // receiving task then ends by itself, within a deadline that has not passed.
      rt.<Void>spawn(cx -> {
        if (!rt.isShutdown()) {
          cx.waker().wake();
          return Poll.pending();
        }
        go.sender().send("done");
        return Poll.readyNull();
      });
      assertTrue(rt.shutdown(huge), "the task finished before the deadline of " + huge);
      assertEquals("done", task.toCompletableFuture().join());
      assertFalse(task.isCancelled());
    }
  }
}
