// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
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
 * Many tasks join one long-lived task at once and all abandon their joins together, half inside a
 * {@code timeout} that elapses, half inside a {@code select} that a sleep wins: 1,000 joiners at a
 * time, 100 rounds, 100,000 abandoned joins in all. Unlike {@code
 * AbandonedJoinsInCombinatorsLeakTest} (one abandoned await at a time, hand-driven wakers), the
 * joiners are real tasks, registered with the handle together, so each {@code forget} searches a
 * list of a thousand. Afterwards the handle keeps only the one join still waiting, no joiner task
 * is reachable, no timer entry is left, and the task's end wakes that join alone.
 */
@Timeout(120)
class ManyJoinersAbandonTest {

  /** Tasks joining the handle at once in a round. */
  static final int JOINERS = 1_000;

  /** Rounds: JOINERS * ROUNDS abandoned joins in all. */
  static final int ROUNDS = 100;

  @Test
  void aHundredThousandJoinsAbandonedAThousandAtATimeLeaveNothing() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().timer(timer).build()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> target = rt.spawn(gate);
      runUntilIdle(rt);
      Task<?> task = (Task<?>) target;
      CountingWaker stays = new CountingWaker();
      assertTrue(target.poll(stays.context()).isPending());
      List<WeakReference<JoinHandle<?>>> joiners = new ArrayList<>(JOINERS * ROUNDS);
      for (int round = 0; round < ROUNDS; round++) {
        List<JoinHandle<String>> now = new ArrayList<>(JOINERS);
        for (int i = 0; i < JOINERS; i++) {
          Future<String> join = i % 2 == 0
              ? new ElapsedAsValue(timer.timeout(target, Duration.ofMillis(1)))
              : new SelectIndex(Futures.select(
                  List.<Future<?>>of(target, timer.sleep(Duration.ofMillis(1)))));
          now.add(rt.spawn(join));
        }
        runUntilIdle(rt);
        assertEquals(JOINERS + 1, task.waiterCount(), "round " + round + ": every join waits");
        clock.advance(Duration.ofMillis(1));
        runUntilIdle(rt);
        for (JoinHandle<String> j : now) {
          assertTrue(j.isFinished(), "round " + round + ": a joiner did not end");
          String outcome = rt.blockOn(j);
          assertTrue(outcome.equals("elapsed") || outcome.equals("slept"), outcome);
          joiners.add(new WeakReference<>(j));
        }
        assertEquals(1, task.waiterCount(), "round " + round + ": abandoned joins left wakers");
        assertEquals(0, timer.pending(), "round " + round + ": timer entries left");
      }
      for (int look = 0; look < 10 && reachable(joiners) > 0; look++) {
        System.gc();
      }
      assertEquals(0, reachable(joiners), "joiner tasks (their own wakers) still reachable");
      gate.complete("done");
      runUntilIdle(rt);
      assertEquals(1, stays.count(), "the join still waiting is woken at the task's end");
      assertEquals(0, task.waiterCount());
    }
  }

  private static void runUntilIdle(AsyncRuntime rt) {
    while (rt.localScheduler().runOne()) {
      // Each run may queue more (a joiner's own spurious wake after it forgot its waker).
    }
  }

  private static int reachable(List<WeakReference<JoinHandle<?>>> refs) {
    int n = 0;
    for (WeakReference<JoinHandle<?>> r : refs) {
      n += r.get() != null ? 1 : 0;
    }
    return n;
  }

  /** A timeout whose elapsing is a value, so the joiner ends by returning (nothing logged). */
  private record ElapsedAsValue(Future<String> timeout) implements Future<String> {
    @Override
    public Poll<String> poll(Context cx) {
      try {
        return timeout.poll(cx).isPending() ? Poll.pending() : Poll.ready("joined");
      } catch (Elapsed e) {
        return Poll.ready("elapsed");
      }
    }
  }

  /** A select of the join and a sleep, ending with which child won. */
  private record SelectIndex(Future<Futures.Selected<Object>> select) implements Future<String> {
    @Override
    public Poll<String> poll(Context cx) {
      Poll<Futures.Selected<Object>> p = select.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      return Poll.ready(p.get().index() == 1 ? "slept" : "joined");
    }
  }
}
