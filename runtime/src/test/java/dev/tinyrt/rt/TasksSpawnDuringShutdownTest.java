// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.sync.Oneshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A graceful shutdown lets its running tasks finish their work, and that work may spawn: a
 * dispatcher that hands each item to a task of its own (the README's "signal, then close" with a
 * stage that spawns per item) failed with {@code RejectedExecutionException} at the first spawn
 * after {@code close()} began, and the work upstream of it waited the whole deadline (found by a
 * new user; the first two cases failed before). A spawn from outside is refused from the start, and
 * a task's spawn once the deadline passed.
 */
class TasksSpawnDuringShutdownTest {

  /** A task that yields twice, then returns 1. */
  private static Future<Integer> work() {
    int[] yields = {0};
    return cx -> {
      if (yields[0]++ < 2) {
        cx.waker().wake();
        return Poll.pending();
      }
      return Poll.ready(1);
    };
  }

  /**
   * Spawns {@code n} children, one per poll (each poll after the first wakes itself), then sums
   * what they return.
   */
  private static Future<Integer> dispatcher(int n) {
    List<JoinHandle<Integer>> children = new ArrayList<>();
    return cx -> {
      if (children.size() < n) {
        children.add(Tasks.spawn(work()));
        cx.waker().wake();
        return Poll.pending();
      }
      int sum = 0;
      for (JoinHandle<Integer> child : children) {
        Poll<Integer> p = child.poll(cx);
        if (p.isPending()) {
          return Poll.pending();
        }
        sum += p.get();
      }
      return Poll.ready(sum);
    };
  }

  @Test
  void aDispatcherRunningOnTheCurrentThreadRuntimeFinishesDuringItsShutdown() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    JoinHandle<Integer> dispatcher = rt.spawn(dispatcher(50));
    rt.blockOn(Tasks.yieldNow()); // it started: one child spawned
    assertTrue(rt.shutdown(Duration.ofMinutes(1)), "every task finished in time");
    assertEquals(50, rt.blockOn(dispatcher));
  }

  @Test
  void aDispatcherRunningOnTheMultiThreadedRuntimeFinishesDuringItsShutdown() throws Exception {
    AsyncRuntime rt = AsyncRuntime.multiThread();
    Oneshot.Channel<Integer> go = Oneshot.channel();
    JoinHandle<Integer> dispatcher = rt.spawn(new Future<Integer>() {
      private Future<Integer> rest;

      @Override
      public Poll<Integer> poll(Context cx) {
        if (rest == null) {
          if (go.receiver().poll(cx).isPending()) {
            return Poll.pending(); // waits until the shutdown began
          }
          rest = dispatcher(50);
        }
        return rest.poll(cx);
      }
    });
    CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(
        () -> rt.shutdown(Duration.ofMinutes(1)));
    while (!rt.isShutdown()) {
      Thread.onSpinWait();
    }
    // From outside, refused at once, during the graceful wait as after it.
    RejectedExecutionException outside =
        assertThrows(RejectedExecutionException.class, () -> rt.spawn(work()));
    assertTrue(outside.getMessage().contains("from outside"), outside.getMessage());
    go.sender().send(0);
    assertTrue(shutdown.get(1, TimeUnit.MINUTES), "every task finished in time");
    assertEquals(50, dispatcher.toCompletableFuture().get(1, TimeUnit.MINUTES));
  }

  @Test
  void aTasksSpawnIsRefusedOnceTheDeadlinePassed() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    AtomicReference<Throwable> inCleanUp = new AtomicReference<>();
    class Waits implements Future<Object>, Droppable {
      @Override
      public Poll<Object> poll(Context cx) {
        return Poll.pending();
      }

      @Override
      public void drop() {
        // The deadline passed and the task was cancelled: its clean-up spawns.
        try {
          Tasks.spawn(work());
        } catch (Throwable refused) {
          inCleanUp.set(refused);
        }
      }
    }
    rt.spawn(new Waits());
    rt.blockOn(Tasks.yieldNow());
    assertFalse(rt.shutdown(Duration.ZERO), "the task had to be cancelled");
    assertTrue(inCleanUp.get() instanceof RejectedExecutionException, "refused: " + inCleanUp);
    assertEquals(0, rt.liveTasks());
  }
}
