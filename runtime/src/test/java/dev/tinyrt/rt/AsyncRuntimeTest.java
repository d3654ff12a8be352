// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class AsyncRuntimeTest {

  static Stream<AsyncRuntime> runtimes() {
    return Stream.of(
        AsyncRuntime.currentThread(),
        AsyncRuntime.builder().multiThread(2).workerPool(WorkerPool.WORK_STEALING).build(),
        AsyncRuntime.builder().multiThread(2).workerPool(WorkerPool.FORK_JOIN).build(),
        AsyncRuntime.builder().multiThread(2).workerPool(WorkerPool.SHARED_QUEUE).build());
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void spawnedTasksRunAndTheirHandlesGiveTheirValues(AsyncRuntime rt) {
    try (rt) {
      JoinHandle<String> a = rt.spawn(TestFutures.readyAfter(3, "a"));
      JoinHandle<String> b = rt.spawn(Future.ready("b"));
      assertEquals("a", rt.blockOn(a));
      assertEquals("b", rt.blockOn(b));
      assertTrue(a.isFinished());
      assertFalse(a.isCancelled());
      assertFalse(a.isFailed());
    }
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void aFailingTaskReportsItsOwnExceptionAndDoesNotTakeItsWorkerDown(AsyncRuntime rt) {
    try (rt) {
      IllegalStateException boom = new IllegalStateException("boom");
      JoinHandle<String> failing = rt.spawn(cx -> {
        throw boom;
      });
      assertSame(boom, assertThrows(IllegalStateException.class, () -> rt.blockOn(failing)));
      assertTrue(failing.isFailed());
      assertFalse(failing.isCancelled());
      for (int i = 0; i < 10; i++) {
        assertEquals(i, rt.blockOn(rt.spawn(Future.ready(i))));
      }
    }
  }

  @Test
  void aCheckedFailureIsRethrownAsItIs() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      IOException io = new IOException("disk");
      JoinHandle<String> failing = rt.spawn(cx -> {
        throw dev.tinyrt.internal.Sneaky.rethrow(io);
      });
      assertSame(io, assertThrows(Throwable.class, () -> rt.blockOn(failing)));
    }
  }

  @Test
  void onACurrentThreadRuntimeTasksRunOnlyWhileItIsDriven() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      rt.spawn(gate);
      assertEquals(0, gate.polls.get(), "nothing drives the runtime yet");
      assertEquals("x", rt.blockOn(TestFutures.readyAfter(1, "x")));
      assertEquals(1, gate.polls.get(), "blockOn ran the queued task while its future waited");
      gate.complete("done");
    }
  }

  @Test
  void closeInsideTheRuntimesOwnBlockOnIsRefusedAndChangesNothing() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    JoinHandle<Integer> task = rt.spawn(Future.ready(7));
    Future<Void> closesItsRuntime = cx -> {
      rt.close();
      return Poll.readyNull();
    };
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> rt.blockOn(closesItsRuntime));
    assertTrue(e.getMessage().contains("close the runtime after blockOn returns"), e.getMessage());
    assertFalse(rt.isShutdown(), "a refused close leaves the runtime running");
    assertEquals(7, rt.blockOn(task), "the runtime still runs its tasks");
    rt.close();
    assertTrue(rt.isShutdown());
  }

  @Test
  void aTaskWokenWhileItRunsIsPolledAgainOnce() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      int[] polls = {0};
      JoinHandle<Integer> task = rt.spawn(cx -> {
        polls[0]++;
        if (polls[0] == 1) {
          cx.waker().wake();
          cx.waker().wake(); // twice: still one more poll
          return Poll.pending();
        }
        return Poll.ready(polls[0]);
      });
      assertEquals(2, rt.blockOn(task));
    }
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void abortingATaskThatNeverStartedCancelsIt(AsyncRuntime rt) {
    try (rt) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      handle.abort();
      CancelledException e = assertThrows(CancelledException.class, () -> rt.blockOn(handle));
      assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
      assertTrue(handle.isCancelled());
      assertFalse(handle.isFailed());
    }
  }

  @Test
  void abortingAParkedLeafFutureDropsIt() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.blockOn(TestFutures.readyAfter(1, null)); // the task runs once and parks on the gate
      assertEquals(1, gate.polls.get());
      handle.abort();
      assertThrows(CancelledException.class, () -> rt.blockOn(handle));
      assertTrue(gate.dropped, "the abandoned future was dropped");
    }
  }

  @Test
  void losingAHandleDoesNotCancelTheTask() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      rt.spawn(gate); // handle dropped at once
      rt.blockOn(TestFutures.readyAfter(1, null));
      gate.complete("still runs");
      assertTrue(rt.shutdown(Duration.ofSeconds(5)), "the task finishes by itself");
      assertFalse(gate.dropped);
    }
  }

  @Test
  void aCompletableFutureOfATaskCompletesAndCancellingItAbortsTheTask() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).build()) {
      CompletableFuture<String> done = rt.spawn(TestFutures.readyAfter(2, "v")).toCompletableFuture();
      assertEquals("v", done.get());

      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      CompletableFuture<String> cf = handle.toCompletableFuture();
      cf.cancel(true);
      assertThrows(CancellationException.class, cf::get);
      assertThrows(CancelledException.class, () -> rt.blockOn(handle));
      assertTrue(handle.isCancelled());

      IllegalStateException boom = new IllegalStateException("x");
      Future<String> throwing = cx -> {
        throw boom;
      };
      CompletableFuture<String> failed = rt.spawn(throwing).toCompletableFuture();
      ExecutionException e = assertThrows(ExecutionException.class, failed::get);
      assertSame(boom, e.getCause());
    }
  }

  @Test
  void spawnBlockingRunsOnItsOwnPoolOrTheOneGiven() {
    ExecutorService virtualOrNot = Executors.newSingleThreadExecutor();
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().blockingExecutor(virtualOrNot).build()) {
      assertEquals("blocking", rt.blockOn(rt.spawnBlocking(() -> "blocking")));
      IOException io = new IOException("io");
      assertSame(io, assertThrows(Throwable.class, () -> rt.blockOn(rt.spawnBlocking(() -> {
        throw io;
      }))));
    } finally {
      virtualOrNot.shutdownNow();
    }
  }

  @Test
  void spawnBlockingAfterTheShutdownIsRefusedAndMakesNoPool() {
    // Never used its pool: the shutdown found none. A spawnBlocking after it made a pool that
    // nothing would shut down, and ran the work (found by the stop's hostile campaign).
    AsyncRuntime unused = AsyncRuntime.builder().multiThread(1).name("blocking-unused").build();
    unused.close();
    RejectedExecutionException e = assertThrows(RejectedExecutionException.class,
        () -> unused.spawnBlocking(() -> "ran"));
    assertTrue(e.getMessage().contains("blocking-unused is shut down"), e.getMessage());
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("blocking-unused-blocking")), "a pool thread was made");
    // Used it: its pool, shut down, refuses as well.
    AsyncRuntime used = AsyncRuntime.builder().currentThread().name("blocking-used").build();
    assertEquals("ran", used.blockOn(used.spawnBlocking(() -> "ran")));
    used.close();
    assertTrue(assertThrows(RejectedExecutionException.class, () -> used.spawnBlocking(() -> "ran"))
        .getMessage().contains("blocking-used is shut down"));
    // Given a pool: refused alike.
    ExecutorService given = Executors.newSingleThreadExecutor();
    try {
      AsyncRuntime withPool = AsyncRuntime.builder().currentThread().blockingExecutor(given)
          .name("blocking-given").build();
      withPool.close();
      assertThrows(RejectedExecutionException.class, () -> withPool.spawnBlocking(() -> "ran"));
    } finally {
      given.shutdownNow();
    }
  }

  @ParameterizedTest
  @MethodSource("runtimes")
  void shutdownRefusesNewTasksAndCancelsTheLiveOnesAtTheDeadline(AsyncRuntime rt) {
    TestFutures.Gate<String> forever = new TestFutures.Gate<>();
    JoinHandle<String> stuck = rt.spawn(forever);
    JoinHandle<String> quick = rt.spawn(Future.ready("quick"));
    assertFalse(rt.shutdown(Duration.ofMillis(1)), "one task did not finish in time");
    assertTrue(rt.isShutdown());
    assertThrows(RejectedExecutionException.class, () -> rt.spawn(Future.ready(1)));
    assertTrue(quick.isFinished());
    assertTrue(stuck.isCancelled());
    assertEquals(0, rt.liveTasks());
  }

  @Test
  @Timeout(10)
  void aFutureThatWakesItselfWithNothingQueuedDoesNotParkTheDriverForever() {
    // Regression: while deciding to park, the driver re-checked its main future, which became
    // ready then; the answer was consumed and the driver parked forever.
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      assertEquals("yielded", rt.blockOn(TestFutures.readyAfter(1, "yielded")));
    }
  }

  @Test
  void currentSaysWhichRuntimeRunsTheTask() {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).build()) {
      assertThrows(IllegalStateException.class, AsyncRuntime::current);
      JoinHandle<AsyncRuntime> seen = rt.spawn(cx -> Poll.ready(AsyncRuntime.current()));
      assertSame(rt, rt.blockOn(seen));
      assertSame(rt, rt.blockOn(cx -> Poll.ready(AsyncRuntime.current())));
    }
  }

  @Test
  void aYieldingMainFutureGoesBehindEveryReadyTask() {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      java.util.concurrent.atomic.AtomicInteger polled =
          new java.util.concurrent.atomic.AtomicInteger();
      for (int i = 0; i < 3; i++) {
        rt.spawn(cx -> {
          polled.incrementAndGet();
          return Poll.pending();
        });
      }
      rt.blockOn(Tasks.yieldNow());
      assertEquals(3, polled.get(), "the three tasks ready before the yield ran first");
    } finally {
      rt.shutdown(Duration.ZERO);
    }
  }
}
