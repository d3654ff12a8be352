// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Waker;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The invariant checks report what a buggy runtime would leave behind, each by its kind. */
class EnvTest {

  private final ManualClock clock = new ManualClock();
  private final Timer timer = Timer.manual(clock);
  private final Env env = new Env();

  @Test
  void aCleanRunHasNoViolation() {
    assertEquals(List.of(), env.check(timer));
  }

  @Test
  void aLockNeverGivenBackIsReported() {
    env.mutex(1).tryLock();
    assertEquals(List.of("lock: mutex m1 is still locked after every task ended"),
        env.check(timer));
  }

  @Test
  void aMutexGrantedTwiceIsReported() {
    env.locked(0);
    env.locked(0);
    assertTrue(env.check(timer).get(0).startsWith("lock: mutex m0 granted while 1 holder"));
  }

  @Test
  void aPermitNeverGivenBackIsReported() {
    env.semaphore(0).tryAcquire(1);
    assertEquals(List.of("permits: semaphore s0 has 1 of its 2 permits after every task ended"),
        env.check(timer));
  }

  @Test
  void aFinallyThatNeverRanIsReported() {
    env.enter(new Node.Sleep(3));
    assertEquals(List.of("finally: the finally of (sleep 3) ran 0 times"), env.check(timer));
  }

  @Test
  void lostDuplicatedAndCancelledValuesAreReported() {
    env.sendEnded(7, /* completed = */ true);
    assertEquals(List.of("channel: value 7 was sent but never delivered nor left in the queue"),
        env.check(timer));

    Env twice = new Env();
    twice.sendEnded(8, true);
    twice.received(8L);
    twice.received(8L);
    assertEquals(List.of("channel: value 8 was delivered twice"), twice.check(timer));

    Env cancelled = new Env();
    cancelled.sendEnded(9, false);
    cancelled.sender(0).trySend(9L);
    assertEquals(List.of("channel: value 9 was delivered though its send was cancelled"),
        cancelled.check(timer));
  }

  @Test
  void aOneshotValueInventedOrLostIsReported() {
    env.oneshots().takeReceiver(0).received(999L); // nobody sent it
    OneshotSlots.Pair lost = env.oneshots().takeSender(1);
    lost.value = 5;
    lost.senderFate = OneshotSlots.SenderFate.SENT; // recorded as sent, never sent
    List<String> found = env.check(timer);
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.get(0).contains("received 999 but its sender is UNUSED"), found.get(0));
    assertTrue(found.get(1).contains("lost what its sender did (SENT)"), found.get(1));
  }

  @Test
  void aWatchValueNeverSentIsReported() {
    env.watches().changed(env.watches().current(0), 12345L);
    assertEquals(List.of("watch: changed() returned 12345, which was never sent on its channel"),
        env.check(timer));
  }

  @Test
  void aBroadcastValueLostOrDeliveredTwiceIsReported() {
    BroadcastSlots.Generation g = env.broadcasts().current(0);
    g.sent.add(7L); // recorded as sent, never sent: each receiver misses it
    List<String> found = env.check(timer);
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.get(0).endsWith("got 0 values and skipped 0 of the 1 sent: values were lost"),
        found.get(0));

    Env twice = new Env();
    BroadcastSlots.Generation h = twice.broadcasts().current(1);
    h.send(8);
    twice.broadcasts().received(h, 0, 8L);
    List<String> again = twice.check(timer);
    assertTrue(again.get(0).endsWith("receiver r0 got 8 twice"), again.toString());
  }

  @Test
  void ticksOutOfOrderOrOffScheduleAreReported() {
    env.startTicks(timer);
    long start = clock.nanoTime();
    long period = Duration.ofMillis(7).toNanos(); // interval i0: BURST, every 7 ms
    env.ticks().ticked(0, start);
    env.ticks().ticked(0, start + period);
    assertEquals(List.of(), env.check(timer));
    env.ticks().ticked(0, start + period); // twice
    env.ticks().ticked(0, start + 3 * period + 1); // off schedule
    List<String> found = env.check(timer);
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.get(0).startsWith("tick: interval i0 (BURST) ticked at"), found.get(0));
    assertTrue(found.get(1).contains("off its schedule"), found.get(1));
  }

  @Test
  void aSleepLeftInTheTimerIsReported() {
    timer.sleep(Duration.ofMillis(10)).poll(Context.from(Waker.noop()));
    assertEquals(List.of("timer: the timer holds 1 sleep(s) after every task ended"),
        env.check(timer));
  }
}
