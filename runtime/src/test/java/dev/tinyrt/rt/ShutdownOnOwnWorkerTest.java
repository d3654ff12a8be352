// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
      assertFalse(rt.isShutdown(), "a refused call changes nothing");
      assertEquals(7, rt.spawn(cx -> Poll.ready(7)).toCompletableFuture()
          .get(30, TimeUnit.SECONDS));
      assertTrue(rt.shutdown(Duration.ofSeconds(10)), "from outside, as before");
    }
  }
}
