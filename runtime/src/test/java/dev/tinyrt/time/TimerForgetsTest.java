// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.Gc;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression: a dropped sleep used to stay in the timer's heap, with its waker (its task and the
 * task's result), until its deadline; 6,000 requests under a one-hour timeout with 64 KiB results
 * ran out of a 512 MB heap. Now a sleep leaves the heap as soon as nobody waits for it.
 */
@Timeout(60)
class TimerForgetsTest {

  final ManualClock clock = new ManualClock();
  final Timer timer = Timer.manual(clock);

  @Test
  void droppedSleepsLeaveTheHeapAtOnceAndKeepNothingAlive() {
    List<WeakReference<Object>> gone = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      Future<Void> sleep = timer.sleep(Duration.ofHours(1));
      CountingWaker waker = new CountingWaker();
      assertTrue(sleep.poll(waker.context()).isPending());
      if (i % 1_000 == 0) {
        gone.add(new WeakReference<>(sleep));
        gone.add(new WeakReference<>(waker));
        assertEquals(1, timer.pending(), "a pending sleep is in the heap");
      }
      ((Droppable) sleep).drop();
    }
    assertEquals(0, timer.pending());
    assertEquals(0, Gc.uncleared(gone), "dropped sleeps or their wakers are still reachable");
  }

  @Test
  void aSleepFoundDueByItsPollLeavesTheHeapBeforeItsTimerFires() {
    // Two timers on one clock fire in the order they were made: while the first fires, the
    // second's due sleep is still in its heap, as when the system timer's driver runs late.
    Timer late = Timer.manual(clock);
    Sleep sleep = (Sleep) late.sleep(Duration.ofMillis(10));
    CountingWaker waker = new CountingWaker();
    assertTrue(sleep.poll(waker.context()).isPending());
    assertEquals(1, late.pending());
    List<String> seen = new ArrayList<>();
    Future<Void> trigger = timer.sleep(Duration.ofMillis(10));
    trigger.poll(Context.from(() -> {
      seen.add(sleep.poll(waker.context()).isReady() ? "ready" : "pending");
      seen.add("in heap: " + late.pending());
    }));
    clock.advance(Duration.ofMillis(10));
    assertEquals(List.of("ready", "in heap: 0"), seen);
    assertEquals(0, waker.count(), "a sleep that was ready is not woken later");
  }

  @Test
  void aFiredSleepLeavesTheHeapAndIsWokenOnce() {
    Future<Void> sleep = timer.sleep(Duration.ofMillis(10));
    CountingWaker waker = new CountingWaker();
    assertTrue(sleep.poll(waker.context()).isPending());
    assertTrue(sleep.poll(waker.context()).isPending(), "a second poll does not enter twice");
    assertEquals(1, timer.pending());
    clock.advance(Duration.ofMillis(10));
    assertEquals(0, timer.pending());
    clock.advance(Duration.ofMillis(10));
    assertEquals(1, waker.count());
    assertTrue(sleep.poll(waker.context()).isReady());
  }

  @Test
  void droppingFromTheMiddleOfTheHeapKeepsTheRestInDeadlineOrder() {
    StringBuilder order = new StringBuilder();
    List<Future<Void>> sleeps = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      int ms = (i * 37) % 64 + 1; // every deadline from 1 to 64 ms, in a scrambled order
      Future<Void> sleep = timer.sleep(Duration.ofMillis(ms));
      sleep.poll(Context.from(() -> order.append(ms).append(' ')));
      sleeps.add(sleep);
    }
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      int ms = (i * 37) % 64 + 1;
      if (ms % 3 == 0) {
        ((Droppable) sleeps.get(i)).drop();
      }
    }
    for (int ms = 1; ms <= 64; ms++) {
      if (ms % 3 != 0) {
        expected.append(ms).append(' ');
      }
    }
    assertEquals(64 - 21, timer.pending());
    for (int ms = 1; ms <= 64; ms++) {
      clock.advance(Duration.ofMillis(1));
    }
    assertEquals(expected.toString(), order.toString());
    assertEquals(0, timer.pending());
  }

  /** A task's waker that holds the task's finished result, as the real one does. */
  record TaskWaker(byte[] result) implements Waker {
    @Override
    public void wake() {}
  }

  @Test
  void requestsThatFinishBeforeTheirTimeoutKeepNoResultAlive() {
    int requests = 2_000;
    int resultBytes = 64 * 1024;
    long before = Gc.usedHeapAfterGc();
    List<WeakReference<Object>> gone = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      TimerTest.Pending<String> response = new TimerTest.Pending<>();
      Future<String> request = timer.timeout(response, Duration.ofHours(1));
      TaskWaker task = new TaskWaker(new byte[resultBytes]);
      assertTrue(request.poll(Context.from(task)).isPending());
      response.value = "ok";
      assertEquals("ok", request.poll(Context.from(task)).get());
      if (i % 100 == 0) {
        gone.add(new WeakReference<>(task));
      }
    }
    long retained = Gc.usedHeapAfterGc() - before;
    assertEquals(0, timer.pending());
    assertEquals(0, Gc.uncleared(gone), "finished requests are still reachable");
    // 2,000 x 64 KiB is 125 MiB; allow a tenth of that for noise in the heap reading.
    assertTrue(retained < (long) requests * resultBytes / 10,
        "the timer retained " + retained + " bytes after " + requests + " finished requests");
  }
}
