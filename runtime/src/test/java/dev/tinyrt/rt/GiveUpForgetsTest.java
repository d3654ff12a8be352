// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task its runtime gives up on (its shutdown's deadline passed while it waited in a
 * non-cancellable section) leaves what it awaited: a handle of a task on another runtime does not
 * keep the given-up task's waker, and through it the task and its runtime, until that other task
 * ends (which may be never).
 */
class GiveUpForgetsTest {

  @Test
  void aGivenUpTaskIsNotKeptByTheHandleItAwaited() {
    try (AsyncRuntime other = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> awaited = other.spawn(gate);
      other.localScheduler().runOne();
      AsyncRuntime rt = AsyncRuntime.currentThread();
      JoinHandle<String> task = rt.spawn(Futures.nonCancellable(awaited));
      rt.localScheduler().runOne();
      assertEquals(1, ((Task<?>) awaited).waiterCount(), "the task awaits the handle");
      assertFalse(rt.shutdown(Duration.ZERO), "the section cannot finish: the task is given up");
      assertTrue(task.isCancelled());
      assertEquals(0, ((Task<?>) awaited).waiterCount(),
          "the handle still holds the given-up task's waker");
      gate.complete("done");
      other.localScheduler().runOne();
    }
  }

  @Test
  void aGivenUpTaskIsNotKeptByTheHandlesItsCombinatorAwaited() {
    try (AsyncRuntime other = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gateA = new TestFutures.Gate<>();
      TestFutures.Gate<String> gateB = new TestFutures.Gate<>();
      JoinHandle<String> a = other.spawn(gateA);
      JoinHandle<String> b = other.spawn(gateB);
      other.localScheduler().runOne();
      other.localScheduler().runOne();
      AsyncRuntime rt = AsyncRuntime.currentThread();
      Future<List<String>> both = Futures.joinAll(List.of(a, b));
      JoinHandle<List<String>> task = rt.spawn(Futures.nonCancellable(both));
      rt.localScheduler().runOne();
      assertEquals(1, ((Task<?>) a).waiterCount());
      assertEquals(1, ((Task<?>) b).waiterCount());
      assertFalse(rt.shutdown(Duration.ZERO));
      assertTrue(task.isCancelled());
      assertEquals(0, ((Task<?>) a).waiterCount(), "a still holds the given-up task's waker");
      assertEquals(0, ((Task<?>) b).waiterCount(), "b still holds the given-up task's waker");
      gateA.complete("a");
      gateB.complete("b");
      other.localScheduler().runOne();
      other.localScheduler().runOne();
    }
  }
}
