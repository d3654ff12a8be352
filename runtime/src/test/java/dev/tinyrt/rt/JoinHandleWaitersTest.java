// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Waker;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.internal.Cancellation;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A {@code JoinHandle} is awaited by any number of awaiters: each waker is kept once and woken at
 * completion, and an abandoned await forgets its waker (nothing accumulates in a long-lived task).
 */
class JoinHandleWaitersTest {

  @Test
  void everyAwaiterIsWokenOnceAtCompletion() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      List<CountingWaker> wakers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        CountingWaker w = new CountingWaker();
        wakers.add(w);
        Context cx = w.context();
        assertTrue(handle.poll(cx).isPending());
        assertTrue(handle.poll(cx).isPending(), "the same waker polling twice is kept once");
      }
      assertEquals(3, ((Task<?>) handle).waiterCount());
      gate.complete("done");
      rt.localScheduler().runOne();
      for (CountingWaker w : wakers) {
        assertEquals(1, w.count());
        assertEquals("done", handle.poll(w.context()).get());
      }
      assertEquals(0, ((Task<?>) handle).waiterCount());
    }
  }

  @Test
  void abandonedAwaitsForgetTheirWakers() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      CountingWaker stays = new CountingWaker();
      assertTrue(handle.poll(stays.context()).isPending());
      for (int i = 0; i < 100_000; i++) {
        Context cx = new CountingWaker().context();
        assertTrue(handle.poll(cx).isPending());
        Cancellation.abandonLeaf(handle, cx);
      }
      assertEquals(1, ((Task<?>) handle).waiterCount(), "only the awaiter still waiting is kept");
      gate.complete("done");
      rt.localScheduler().runOne();
      assertEquals(1, stays.count());
    }
  }

  @Test
  void aForgottenWaiterIsNotKeptReachable() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      CountingWaker stays = new CountingWaker();
      // The first waiter is held alone until the second moves both into a JoinWaiters; then the
      // first one's await is abandoned.
      WeakReference<CountingWaker> gone = registerThenForgetAfter(handle, stays);
      for (int i = 0; i < 3 && gone.get() != null; i++) {
        System.gc();
      }
      assertNull(gone.get(), "a waker forgotten by the handle is still reachable from it");
      assertEquals(1, ((Task<?>) handle).waiterCount());
      gate.complete("done");
      rt.localScheduler().runOne();
      assertEquals(1, stays.count());
    }
  }

  /**
   * Registers a new waker on a pending handle, then {@code next}, then abandons the first await.
   *
   * @return a weak reference to the abandoned waker, which nothing else holds
   */
  private static WeakReference<CountingWaker> registerThenForgetAfter(
      JoinHandle<String> handle, CountingWaker next) {
    CountingWaker w = new CountingWaker();
    Context cx = w.context();
    assertTrue(handle.poll(cx).isPending());
    assertTrue(handle.poll(next.context()).isPending());
    assertEquals(2, ((Task<?>) handle).waiterCount());
    Cancellation.abandonLeaf(handle, cx);
    return new WeakReference<>(w);
  }

  @Test
  void viewsCompletedByTheirHoldersAreForgotten() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      CompletableFuture<String> kept = handle.toCompletableFuture();
      for (int i = 0; i < 100_000; i++) {
        // What orTimeout does when its time is up, and what a holder may do by hand.
        CompletableFuture<String> view = handle.toCompletableFuture();
        if (i % 2 == 0) {
          view.completeExceptionally(new TimeoutException());
        } else {
          view.complete("given up by its holder");
        }
      }
      assertEquals(1, ((Task<?>) handle).waiterCount(), "views completed by hand are still kept");
      gate.complete("done");
      rt.localScheduler().runOne();
      assertEquals("done", kept.join());
    }
  }

  @Test
  void aCancelledViewIsForgotten() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      CompletableFuture<String> kept = handle.toCompletableFuture();
      CompletableFuture<String> cancelled = handle.toCompletableFuture();
      assertEquals(2, ((Task<?>) handle).waiterCount());
      assertTrue(cancelled.cancel(false));
      assertEquals(1, ((Task<?>) handle).waiterCount(), "a cancelled view is still kept");
      rt.localScheduler().runOne();
      assertTrue(handle.isFinished(), "cancelling a view aborts the task");
      assertTrue(kept.isCancelled());
    }
  }

  @Test
  void everyWaiterIsWokenWhenOneWakerThrows() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      IllegalStateException boom = new IllegalStateException("a user's waker failed");
      Waker throwing = () -> {
        throw boom;
      };
      assertTrue(handle.poll(Context.from(throwing, () -> false)).isPending());
      CountingWaker after = new CountingWaker();
      assertTrue(handle.poll(after.context()).isPending());
      CompletableFuture<String> view = handle.toCompletableFuture();
      gate.complete("done");
      IllegalStateException thrown =
          assertThrows(IllegalStateException.class, () -> rt.localScheduler().runOne());
      assertEquals(boom, thrown, "the waker's failure still reaches the runner");
      assertEquals(1, after.count(), "a waker after the failing one was not woken");
      assertEquals("done", view.getNow("not completed"));
    }
  }
}
