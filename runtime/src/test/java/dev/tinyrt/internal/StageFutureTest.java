// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * StageFuture driven by hand. Regression (symptom 5): a loop of {@code select(fromStage(shutdown),
 * rx.recv())} added one {@code whenComplete} callback per iteration to the long-lived stage, each
 * holding its task (1M iterations held 111 MB). Now every StageFuture of a stage shares one
 * callback, and an abandoned one leaves at once.
 */
@Timeout(60)
class StageFutureTest {

  static void drop(Future<?> f) {
    ((Droppable) f).drop();
  }

  @Test
  void abandonedAwaitsOfOneStageShareOneCallbackAndLeaveNothing() {
    CompletableFuture<String> shutdown = new CompletableFuture<>();
    for (int i = 0; i < 200_000; i++) {
      Future<String> f = StageFuture.of(shutdown);
      CountingWaker task = new CountingWaker();
      assertTrue(f.poll(task.context()).isPending());
      drop(f);
    }
    assertTrue(shutdown.getNumberOfDependents() <= 1,
        shutdown.getNumberOfDependents() + " callbacks on the stage");
    assertEquals(0, StageHub.waitersOf(shutdown));

    // Completing the stage still wakes a waiting one, once.
    Future<String> waiting = StageFuture.of(shutdown);
    Future<String> abandoned = StageFuture.of(shutdown);
    CountingWaker task = new CountingWaker();
    CountingWaker gone = new CountingWaker();
    assertTrue(waiting.poll(task.context()).isPending());
    assertTrue(abandoned.poll(gone.context()).isPending());
    assertEquals(2, StageHub.waitersOf(shutdown));
    drop(abandoned);
    assertEquals(1, StageHub.waitersOf(shutdown));
    shutdown.complete("stop");
    assertEquals(1, task.count());
    assertEquals(0, gone.count(), "a dropped StageFuture is not woken");
    assertEquals("stop", waiting.poll(task.context()).get());
    assertEquals(0, StageHub.waitersOf(shutdown));
  }

  @Test
  void aFailedStageThrowsItsOriginalExceptionToEveryWaiter() {
    CompletableFuture<String> cf = new CompletableFuture<>();
    Future<String> a = StageFuture.of(cf);
    Future<String> b = StageFuture.of(cf.thenApply(s -> s)); // fails with a CompletionException
    CountingWaker wa = new CountingWaker();
    CountingWaker wb = new CountingWaker();
    assertTrue(a.poll(wa.context()).isPending());
    assertTrue(b.poll(wb.context()).isPending());
    IOException failure = new IOException("disk gone");
    cf.completeExceptionally(failure);
    assertEquals(1, wa.count());
    assertEquals(1, wb.count());
    assertSame(failure, assertThrows(IOException.class, () -> a.poll(wa.context())));
    assertSame(failure, assertThrows(IOException.class, () -> b.poll(wb.context())));
    // Already done: the fast path, which unwraps too.
    assertSame(failure,
        assertThrows(IOException.class, () -> StageFuture.of(cf).poll(wa.context())));
  }

  @Test
  void aDoneCompletableFutureIsReadWithoutAnyCallback() {
    CompletableFuture<String> cf = CompletableFuture.completedFuture("at once");
    Future<String> f = StageFuture.of(cf);
    assertEquals("at once", f.poll(new CountingWaker().context()).get());
    assertEquals(0, cf.getNumberOfDependents());
    assertEquals(0, StageHub.waitersOf(cf));
    drop(f); // dropping one that never joined a hub is harmless
  }

  @Test
  void aMinimalStageIsAwaitedThroughItsCallback() {
    // Regression: the fast path called isDone() on it, which throws UnsupportedOperationException.
    CompletableFuture<String> cf = new CompletableFuture<>();
    CompletionStage<String> minimal = cf.minimalCompletionStage();
    Future<String> f = StageFuture.of(minimal);
    CountingWaker task = new CountingWaker();
    assertTrue(f.poll(task.context()).isPending());
    cf.complete("minimal");
    assertEquals(1, task.count());
    assertEquals("minimal", f.poll(task.context()).get());
    // And once it is complete, a new await of it is ready at its first poll.
    assertEquals("minimal", StageFuture.of(minimal).poll(task.context()).get());
  }

  @Test
  void theLatestWakerIsTheOneWoken() {
    CompletableFuture<Integer> cf = new CompletableFuture<>();
    Future<Integer> f = StageFuture.of(cf);
    CountingWaker first = new CountingWaker();
    CountingWaker second = new CountingWaker();
    assertTrue(f.poll(first.context()).isPending());
    assertTrue(f.poll(second.context()).isPending());
    assertEquals(1, StageHub.waitersOf(cf), "a second poll does not join twice");
    cf.complete(7);
    assertEquals(List.of(0, 1), List.of(first.count(), second.count()));
  }

  @Test
  void theHubKeepsNoIncompleteStageAlive() {
    CompletableFuture<String> cf = new CompletableFuture<>();
    Future<String> f = StageFuture.of(cf);
    CountingWaker task = new CountingWaker();
    assertTrue(f.poll(task.context()).isPending());
    drop(f);
    WeakReference<Object> stage = new WeakReference<>(cf);
    WeakReference<Object> waker = new WeakReference<>(task);
    cf = null;
    f = null;
    task = null;
    assertEquals(0, Gc.uncleared(List.of(stage, waker)),
        "the hub of an abandoned, unreferenced stage keeps it or a waker alive");
  }
}
