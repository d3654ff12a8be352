// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Poll;
import dev.tinyrt.TinyrtLog;
import dev.tinyrt.Waker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A task completes on a multi-threaded runtime's worker, and one of its awaiters registered a
 * {@link Waker} that throws (the user's own, through {@code JoinHandle.poll}). The completion wakes
 * every awaiter and then rethrew the first failure to the poller: on a worker that ended the
 * thread, so a runtime of one worker never ran a task again. Now the failure is logged and the
 * worker goes on (a current-thread runtime still rethrows it from {@code blockOn}:
 * {@code JoinHandleWaitersTest}).
 */
class ThrowingWakerOnWorkerTest {

  private TinyrtLog log;

  @BeforeEach
  void listen() {
    log = new TinyrtLog();
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"WORK_STEALING", "FORK_JOIN", "SHARED_QUEUE"})
  void aThrowingAwaiterWakerDoesNotEndTheWorker(String pool) throws Exception {
    IllegalStateException boom = new IllegalStateException("a user's waker failed");
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1)
        .workerPool(WorkerPool.valueOf(pool)).name("waker-" + pool).build()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      Waker throwing = () -> {
        throw boom;
      };
      assertTrue(handle.poll(Context.from(throwing, () -> false)).isPending());
      CompletableFuture<String> view = handle.toCompletableFuture(); // woken after the thrower
      gate.complete("done"); // the worker polls the task, which completes and wakes both
      assertEquals("done", view.get(10, TimeUnit.SECONDS)); // a hang guard only
      // The worker lives on: a task spawned next runs.
      assertEquals(42, rt.spawn(cx -> Poll.ready(42)).toCompletableFuture()
          .get(10, TimeUnit.SECONDS));
      assertTrue(rt.shutdown(Duration.ofSeconds(10)));
    }
    assertEquals(List.of(), log.uncaught, "exceptions that ended a thread");
    assertTrue(log.records.stream().anyMatch(r -> r.getThrown() == boom
        && r.getMessage().contains("runtime waker-" + pool)),
        "the waker's failure is logged, naming the task and runtime");
  }
}
