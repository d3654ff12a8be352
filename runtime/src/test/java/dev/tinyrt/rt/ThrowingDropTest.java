// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.TinyrtLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An aborted task parked on a leaf future whose {@code drop()} throws. {@code Droppable} says a drop
 * must not throw, but it is the user's code. The task's poll delivered the cancellation by calling
 * the drop outside the guard around the future's poll, so the throw left the task RUNNING for ever:
 * on a multi-threaded runtime it ended the worker's thread (with one worker no task ever ran
 * again) and every await of the handle hung; on a current-thread runtime it came out of an
 * unrelated {@code blockOn}. Now the drop's throw is logged, naming the future's class, and the
 * task ends cancelled. Found by a hostile campaign (every runtime kind, Java 17 and 25).
 */
class ThrowingDropTest {

  private TinyrtLog log;

  @BeforeEach
  void listen() {
    log = new TinyrtLog();
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  /** Pending until the test ends it; its drop throws. */
  static final class ThrowingDrop implements Future<String>, Droppable {
    final CountDownLatch polled = new CountDownLatch(1);
    final AtomicInteger drops = new AtomicInteger();

    @Override
    public Poll<String> poll(Context cx) {
      polled.countDown();
      return Poll.pending(); // never woken: only the abort wakes the task
    }

    @Override
    public void drop() {
      drops.incrementAndGet();
      throw new IllegalStateException("drop failed");
    }
  }

  private static AsyncRuntime runtime(String kind) {
    AsyncRuntime.Builder b = AsyncRuntime.builder().name("drop-" + kind);
    return switch (kind) {
      case "current" -> b.currentThread().build();
      case "ws1" -> b.multiThread(1).workerPool(WorkerPool.WORK_STEALING).build();
      case "ws2" -> b.multiThread(2).workerPool(WorkerPool.WORK_STEALING).build();
      case "fj1" -> b.multiThread(1).workerPool(WorkerPool.FORK_JOIN).build();
      case "shared1" -> b.multiThread(1).workerPool(WorkerPool.SHARED_QUEUE).build();
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"current", "ws1", "ws2", "fj1", "shared1"})
  void anAbortedTaskWhoseLeafDropThrowsEndsCancelledAndItsWorkerRunsOn(String kind)
      throws Exception {
    ThrowingDrop leaf = new ThrowingDrop();
    try (AsyncRuntime rt = runtime(kind)) {
      JoinHandle<String> handle = rt.spawn(leaf);
      boolean current = kind.equals("current");
      if (current) {
        rt.blockOn(Tasks.yieldNow()); // lets the task poll once, and park
      }
      assertTrue(leaf.polled.await(10, TimeUnit.SECONDS), "the task was never polled");
      handle.abort();
      if (current) {
        // The abort's cancellation is delivered by the next drive (it threw the drop's exception
        // out of this blockOn before).
        CancelledException thrown = assertThrows(
            CancelledException.class, () -> rt.blockOn(handle));
        assertTrue(thrown.getMessage().contains("cancelled"), thrown.getMessage());
      } else {
        // Cancelled: the handle's stage is cancelled (before, get waited out its hang guard).
        assertThrows(CancellationException.class,
            () -> handle.toCompletableFuture().get(10, TimeUnit.SECONDS));
      }
      assertTrue(handle.isFinished());
      // The worker lives on: a task spawned next runs.
      JoinHandle<Integer> next = rt.spawn(cx -> Poll.ready(42));
      assertEquals(42, current ? rt.blockOn(next)
          : next.toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertTrue(rt.shutdown(Duration.ofSeconds(10)));
    }
    assertEquals(1, leaf.drops.get(), "drops");
    assertEquals(List.of(), log.uncaught, "exceptions that ended a thread");
    assertTrue(log.records.stream().anyMatch(r -> r.getMessage().contains(ThrowingDrop.class.getName())
        && r.getThrown() instanceof IllegalStateException
        && r.getThrown().getMessage().equals("drop failed")),
        "the drop's failure is logged, naming the future's class");
  }
}
