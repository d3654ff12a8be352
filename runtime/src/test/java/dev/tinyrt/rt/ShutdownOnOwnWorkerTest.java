// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code close()} or {@code shutdown} of a multi-threaded runtime called inside one of its own
 * tasks: the calling task is one of the live tasks the shutdown waits for, so it waited out the
 * whole deadline (10 s for close()), then cancelled every task (with one worker, even one about to
 * finish, which could not be polled meanwhile), then stopped the workers, one of which it ran on;
 * nothing said why. Refused now, as a current-thread runtime refuses it inside its own blockOn,
 * with a message that names the call's place and says what to do; the runtime runs on.
 */
class ShutdownOnOwnWorkerTest {

  @ParameterizedTest
  @ValueSource(strings = {"WORK_STEALING", "FORK_JOIN", "SHARED_QUEUE"})
  void closeInsideAnOwnTaskIsRefusedAndTheRuntimeRunsOn(String pool) throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1)
        .workerPool(WorkerPool.valueOf(pool)).name("own-" + pool).build()) {
      AtomicReference<Throwable> closeThrew = new AtomicReference<>();
      AtomicReference<Throwable> shutdownThrew = new AtomicReference<>();
      JoinHandle<String> closer = rt.spawn(cx -> {
        try {
          rt.close();
        } catch (Throwable t) {
          closeThrew.set(t);
        }
        try {
          rt.shutdown(Duration.ZERO);
        } catch (Throwable t) {
          shutdownThrew.set(t);
        }
        return Poll.ready("closer done");
      });
      // A hang guard only: refused at once, the task ends in its first poll.
      assertEquals("closer done", closer.toCompletableFuture().get(30, TimeUnit.SECONDS));
      for (Throwable thrown : new Throwable[] {closeThrew.get(), shutdownThrew.get()}) {
        assertInstanceOf(IllegalStateException.class, thrown);
        String message = thrown.getMessage();
        assertTrue(message.startsWith("close()/shutdown() of runtime own-" + pool + " called in "
            + ShutdownOnOwnWorkerTest.class.getName()), message);
        assertTrue(message.contains("(ShutdownOnOwnWorkerTest.java:"), message);
        assertTrue(message.contains("one of its own workers"), message);
        assertTrue(message.contains("from the thread that built it"), message);
      }
      assertTrue(closeThrew.get().getMessage().contains("while 1 of its tasks are live"),
          closeThrew.get().getMessage());
      assertFalse(rt.isShutdown(), "a refused call changes nothing");
      assertEquals(7, rt.spawn(cx -> Poll.ready(7)).toCompletableFuture()
          .get(30, TimeUnit.SECONDS));
      assertTrue(rt.shutdown(Duration.ofSeconds(10)), "from outside, as before");
    }
  }

  /**
   * A completion callback of the last live task closes the runtime: it runs on the worker, inside
   * the completion, after the task left the live list, so there is nothing to wait for and the call
   * is not refused (a review caught a first version that refused it, and the refusal, thrown inside
   * {@code thenRun}, went unseen into the dependent stage).
   */
  @Test
  void aCompletionCallbackOfTheLastTaskMayCloseTheRuntime() throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).name("callback").build();
    TestFutures.Gate<String> gate = new TestFutures.Gate<>();
    JoinHandle<String> last = rt.spawn(gate);
    AtomicReference<String> closedOn = new AtomicReference<>();
    CompletableFuture<Void> closed = last.toCompletableFuture().thenRun(() -> {
      closedOn.set(Thread.currentThread().getName());
      rt.close();
    });
    gate.complete("done"); // the worker polls the task; its completion runs the callback
    closed.get(30, TimeUnit.SECONDS); // a hang guard only; throws if the close was refused
    assertTrue(closedOn.get().startsWith("callback-worker-"), closedOn.get());
    assertTrue(rt.isShutdown());
    assertEquals(0, rt.liveTasks());
  }
}
