// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.CountingWaker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A wake from another thread that finds its current-thread runtime stopped does not give the task
 * up on the waking thread (a timer thread, an I/O thread, a user's {@code Sender.send}): the
 * give-up, which abandons the task's future (its finally blocks and drops run) and tells its
 * awaiters, runs on the library's {@code tinyrt-give-up} thread. If that hand-off fails, the
 * waking thread gives the task up itself, as before.
 *
 * <p>Before the fix, the first test failed: the future was dropped on the test's thread, inside
 * its {@code complete} (the wake). Plant tried by hand: a failed hand-off does not clear {@code
 * giveUpHandedOff}: caught, the second stranding of the second test is never given up.
 */
@Timeout(60)
class GiveUpHandOffTest {

  @Test
  void aWakeOfAStoppedRuntimeHandsTheGiveUpToTheGiveUpThread() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.blockOn(Tasks.yieldNow()); // polled once: pending at the gate
      CompletableFuture<String> awaiter = handle.toCompletableFuture();
      rt.localScheduler().stop(); // the stop a racing shutdown ended with
      gate.complete("late"); // the wake, on this thread, finds the runtime stopped
      assertThrows(CancellationException.class, () -> awaiter.get(30, TimeUnit.SECONDS),
          "the awaiter is told");
      assertTrue(gate.dropped, "the task's future was abandoned");
      assertNotSame(Thread.currentThread(), gate.droppedOn, "not on the waking thread");
      assertTrue(gate.droppedOn.getName().startsWith("tinyrt-give-up"), gate.droppedOn::getName);
      assertTrue(gate.droppedOn.isDaemon(), "the give-up thread does not keep the JVM alive");
      assertThrows(CancelledException.class, () -> handle.poll(new CountingWaker().context()));
      assertEquals(0, rt.liveTasks());
    } finally {
      rt.close();
    }
  }

  @Test
  void aHandOffThatFailsGivesTheTaskUpOnTheWakingThread() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      rt.localScheduler().giveUpExecutor(job -> {
        throw new OutOfMemoryError("unable to create native thread (a test's)");
      });
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.blockOn(Tasks.yieldNow());
      rt.localScheduler().stop();
      gate.complete("late"); // the hand-off fails: this thread gives the task up
      assertTrue(handle.isFinished(), "given up before the wake returned");
      assertTrue(gate.dropped);
      assertEquals(Thread.currentThread(), gate.droppedOn);
      assertEquals(0, rt.liveTasks());
      // A later stranding hands off again (the flag was put back), and fails again here.
      TestFutures.Gate<String> second = new TestFutures.Gate<>();
      Task<String> late = new Task<>(second, rt);
      rt.liveList().add(late);
      late.wake();
      assertTrue(late.isFinished());
    } finally {
      rt.close();
    }
  }
}
