// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.time.Elapsed;
import dev.tinyrt.time.ManualClock;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handle awaited twice by one task, one of the awaits abandoned: the other must still be woken
 * when the task ends. A handle keeps each waker once, so the abandoned await's {@code forget}
 * took the other's registration with it and the awaiting task hung (found by the runtime fuzzer:
 * {@code (seq (spawn-shared (sleep 20)) (join-all (join-shared h0) (timeout 5 (join-shared h0))))}).
 * Driven by hand: the test is the executor of the awaiting future, on a manual clock.
 */
class AbandonedHandleAwaitTest {

  private final ManualClock clock = new ManualClock();
  private final Timer timer = Timer.manual(clock);
  private final AsyncRuntime rt = AsyncRuntime.builder().currentThread().timer(timer).build();
  private final CountingWaker waker = new CountingWaker();

  /** The wakes seen when the awaiting future was last polled. */
  private int polledAt = -1;

  @AfterEach
  void shutDown() {
    rt.shutdown(Duration.ZERO);
  }

  /** Polls as an executor would: once now, and again as long as the poll woke it. */
  private <T> Poll<T> drive(Future<T> f) {
    Poll<T> p;
    do {
      polledAt = waker.count();
      p = f.poll(waker.context());
    } while (p.isPending() && waker.count() != polledAt);
    return p;
  }

  /** Lets the runtime run its ready tasks. */
  private void runTasks() {
    rt.blockOn(Tasks.yieldNow());
  }

  @Test
  void theOtherAwaitOfTheSameHandleIsStillWokenWhenTheTaskEnds() {
    Future<Void> nap = timer.sleep(Duration.ofMillis(20));
    JoinHandle<Long> handle = rt.spawn(cx -> nap.poll(cx).isReady() ? Poll.ready(7L) : Poll.pending());
    runTasks(); // the task sleeps
    Future<List<Long>> both =
        Futures.joinAll(handle, orElapsed(timer.timeout(handle, Duration.ofMillis(5))));
    assertTrue(drive(both).isPending());

    clock.advance(Duration.ofMillis(5)); // the timeout elapses: its await of the handle is dropped
    assertTrue(waker.count() != polledAt, "the elapsed timeout wakes the joinAll");
    assertTrue(drive(both).isPending(), "the plain await still waits");

    clock.advance(Duration.ofMillis(15));
    runTasks(); // the task returns 7 and wakes whoever awaits it
    assertTrue(waker.count() != polledAt,
        "the joinAll's plain await of the handle was never woken: the abandoned await's forget "
            + "took its registration");
    Poll<List<Long>> done = drive(both);
    assertTrue(done.isReady());
    assertEquals(List.of(7L, -2L), done.get());
  }

  @Test
  void anAbandonedAwaitAloneLeavesNoWakerInTheHandle() {
    Future<Void> nap = timer.sleep(Duration.ofMillis(20));
    JoinHandle<Long> handle = rt.spawn(cx -> nap.poll(cx).isReady() ? Poll.ready(7L) : Poll.pending());
    runTasks();
    Future<Long> limited = orElapsed(timer.timeout(handle, Duration.ofMillis(5)));
    assertTrue(drive(limited).isPending());
    clock.advance(Duration.ofMillis(5));
    assertEquals(-2L, drive(limited).get());
    int woken = waker.count();
    clock.advance(Duration.ofMillis(15));
    runTasks();
    assertEquals(woken, waker.count(), "the handle forgot the abandoned await's waker");
  }

  /** {@code future}, with {@link Elapsed} as -2. */
  private static Future<Long> orElapsed(Future<Long> future) {
    return new Future<>() {
      @Override
      public Poll<Long> poll(Context cx) {
        try {
          return future.poll(cx);
        } catch (Elapsed e) {
          return Poll.ready(-2L);
        }
      }
    };
  }
}
