// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leaks measured: 100,000 awaits of one long-lived task's handle, every other one inside a
 * {@code timeout} that elapses, the others inside a {@code select} that another child wins, each
 * with its own waker, while one plain await keeps waiting. Afterwards the handle keeps only the
 * plain await's waker, no abandoned waker is reachable, and the task's end wakes the plain await
 * alone. Each is abandoned before the next starts ({@code forget} searches the handle's list, so
 * 100,000 at once would measure that search, not a leak).
 */
@Timeout(120)
class AbandonedJoinsInCombinatorsLeakTest {

  /** How many awaits are started and abandoned. */
  static final int WAITS = 100_000;

  @Test
  void abandonedAwaitsOfAHandleInTimeoutsAndSelectsLeaveNothing() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().timer(timer).build()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      CountingWaker stays = new CountingWaker();
      assertTrue(handle.poll(stays.context()).isPending());
      List<WeakReference<Waker>> abandoned = new ArrayList<>(WAITS);
      for (int i = 0; i < WAITS; i++) {
        CountingWaker w = new CountingWaker();
        abandoned.add(new WeakReference<>(w));
        Context cx = w.context();
        if (i % 2 == 0) {
          Future<String> limited = timer.timeout(handle, Duration.ofMillis(1));
          assertTrue(limited.poll(cx).isPending());
          clock.advance(Duration.ofMillis(1));
          assertThrows(Elapsed.class, () -> limited.poll(cx));
        } else {
          Future<Futures.Selected<String>> first =
              Futures.select(List.of(handle, new ReadyOnSecondPoll()));
          assertTrue(first.poll(cx).isPending());
          assertEquals(1, first.poll(cx).get().index());
        }
      }
      assertEquals(1, ((Task<?>) handle).waiterCount(), "only the plain await is kept");
      assertEquals(0, timer.pending(), "no timeout's sleep is left in the timer");
      for (int round = 0; round < 10 && alive(abandoned) > 0; round++) {
        System.gc();
      }
      assertEquals(0, alive(abandoned), "wakers of abandoned awaits still reachable");
      gate.complete("done");
      rt.localScheduler().runOne();
      assertEquals(1, stays.count(), "the plain await is woken at the task's end");
    }
  }

  private static int alive(List<WeakReference<Waker>> wakers) {
    int n = 0;
    for (WeakReference<Waker> w : wakers) {
      n += w.get() != null ? 1 : 0;
    }
    return n;
  }

  /** Pending on its first poll (the test polls again itself), then ready. */
  private static final class ReadyOnSecondPoll implements Future<String> {
    /** Whether it was polled once. */
    private boolean polled;

    @Override
    public Poll<String> poll(Context cx) {
      if (polled) {
        return Poll.ready("other");
      }
      polled = true;
      return Poll.pending();
    }
  }
}
