// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.CountingWaker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A task nobody awaits completes without its lock (issue 10's carts: each cart spawned, its handle
 * dropped), and what it publishes is read the same afterwards: the value, a failure or a
 * cancellation, by a poll, a stage or the queries, none of which registers a waiter then.
 *
 * <p>The first test fails on the Task of 8af0c59, whose completion always took the lock: it times
 * out after its 10 s (scratch copy, {@code mvn -B -q -o -pl runtime test
 * -Dtest=CompletionWithoutWaitersTest}); it passes in well under a second now.
 */
class CompletionWithoutWaitersTest {

  @Test
  void aTaskNobodyAwaitsCompletesWhileAnotherThreadHoldsItsLock() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      Task<String> task = (Task<String>) rt.spawn(gate);
      rt.localScheduler().runOne(); // parked on its gate
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch letGo = new CountDownLatch(1);
      Thread holder = new Thread(() -> {
        synchronized (task) {
          held.countDown();
          try {
            letGo.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }, "holds the task's lock");
      holder.start();
      held.await();
      try {
        // A completion that took the lock would wait for the holder, which waits for this.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
          gate.complete("done");
          rt.localScheduler().runOne();
        }, "the completion of a task nobody awaits waited for the task's lock");
        assertTrue(task.isFinished());
      } finally {
        letGo.countDown();
        holder.join();
      }
      assertEquals("done", task.poll(new CountingWaker().context()).get());
    }
  }

  @Test
  void theValueIsReadAfterACompletionThatNobodyAwaited() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      Task<String> task = (Task<String>) rt.spawn(gate);
      rt.localScheduler().runOne();
      assertSame(gate, task.future(), "a parked task shows the future it drives");
      gate.complete("done");
      rt.localScheduler().runOne();
      assertNull(task.future(), "a finished task shows no future");
      CountingWaker waker = new CountingWaker();
      assertEquals("done", task.poll(waker.context()).get());
      CompletableFuture<String> stage = task.toCompletableFuture();
      assertEquals("done", stage.getNow(null));
      assertFalse(task.isFailed());
      assertFalse(task.isCancelled());
      assertEquals(0, task.waiterCount());
      assertEquals(0, waker.count());
      assertEquals(0, task.state() & TaskState.JOINED, "nobody ever registered");
    }
  }

  @Test
  void aFailureIsReadAfterACompletionThatNobodyAwaited() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      Task<String> task = (Task<String>) rt.spawn(gate);
      rt.localScheduler().runOne();
      IllegalStateException failure = new IllegalStateException("the price service is down");
      gate.fail(failure);
      rt.localScheduler().runOne();
      assertTrue(task.isFinished());
      assertTrue(task.isFailed());
      assertFalse(task.isCancelled());
      assertSame(failure, assertThrows(IllegalStateException.class,
          () -> task.poll(new CountingWaker().context())));
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> task.toCompletableFuture().get());
      assertSame(failure, e.getCause());
    }
  }

  @Test
  void aCancellationIsReadAfterACompletionThatNobodyAwaited() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      Task<String> task = (Task<String>) rt.spawn(gate);
      rt.localScheduler().runOne();
      task.abort();
      rt.localScheduler().runOne();
      assertTrue(task.isFinished());
      assertTrue(task.isCancelled());
      assertFalse(task.isFailed());
      assertThrows(CancelledException.class, () -> task.poll(new CountingWaker().context()));
      assertTrue(task.toCompletableFuture().isCancelled());
    }
  }

  @Test
  void aWaiterRegisteredBeforeCompletionIsWokenOnceAndLetGo() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      Task<String> task = (Task<String>) rt.spawn(gate);
      rt.localScheduler().runOne();
      CountingWaker waker = new CountingWaker();
      assertTrue(task.poll(waker.context()).isPending());
      assertTrue((task.state() & TaskState.JOINED) != 0, "the first waiter set JOINED");
      assertEquals(1, task.waiterCount());
      gate.complete("done");
      rt.localScheduler().runOne();
      assertEquals(1, waker.count());
      assertEquals(0, task.waiterCount());
      assertEquals("done", task.poll(waker.context()).get());
      task.forget(waker); // after completion: nothing to remove, nothing thrown
      assertEquals(1, waker.count());
    }
  }
}
