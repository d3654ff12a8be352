// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tinyrt.CancelledException;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.sync.Oneshot;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A task woken after its runtime's scheduler stopped (one its shutdown missed: the
 * hostile campaign found a race that left one so) is given up, completed as cancelled with its
 * awaiters told, instead of dropped by the scheduler and left live forever. Stopping the scheduler
 * by hand, then spawning, is that race's outcome without its timing.
 */
class WakeAfterStopTest {

  @ParameterizedTest
  @EnumSource(WorkerPool.class)
  void aTaskWokenAfterTheSchedulerStoppedIsGivenUpNotLeftLive(WorkerPool pool) throws Exception {
    AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).workerPool(pool).build();
    try {
      scheduler(rt).stop();
      Oneshot.Channel<String> channel = Oneshot.channel();
      JoinHandle<String> handle = rt.spawn(channel.receiver()); // its wake finds the stop
      CountingWaker waker = new CountingWaker();
      assertThrows(CancelledException.class, () -> handle.poll(waker.context()),
          "the task is completed as cancelled");
      assertEquals(0, rt.liveTasks(), "no task is left live on a stopped runtime");
    } finally {
      rt.shutdown(Duration.ofSeconds(5));
    }
  }

  /**
   * The same on a current-thread runtime: the wake from another thread (the spawn from this one,
   * which does not drive the runtime) finds the stop; with nobody to drive the runtime, the
   * give-up thread completes the task as cancelled, and the task that awaited it (queued on the
   * ready queue of the thread that completed it) is given up too, not left queued where nothing
   * runs.
   */
  @Test
  void aTaskWokenAfterTheCurrentThreadSchedulerStoppedIsGivenUpNotLeftLive() throws Exception {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    try {
      Oneshot.Channel<String> channel = Oneshot.channel();
      JoinHandle<String> first = rt.spawn(channel.receiver());
      JoinHandle<String> awaiter = rt.spawn(first); // awaits the first task's handle
      rt.blockOn(Tasks.yieldNow()); // both polled once: pending, the awaiter registered
      assertEquals(2, rt.liveTasks());
      scheduler(rt).stop();
      CompletableFuture<String> told = awaiter.toCompletableFuture();
      channel.sender().send("late"); // the wake finds the stop, hands the give-up off
      assertThrows(CancellationException.class,
          () -> told.get(30, TimeUnit.SECONDS), "the give-up ran");
      CountingWaker waker = new CountingWaker();
      assertThrows(CancelledException.class, () -> first.poll(waker.context()),
          "the woken task is completed as cancelled");
      assertThrows(CancelledException.class, () -> awaiter.poll(waker.context()),
          "its awaiter, woken by the cancellation, is given up as well");
      assertEquals(0, rt.liveTasks(), "no task is left live on a stopped runtime");
    } finally {
      rt.shutdown(Duration.ofSeconds(5));
    }
  }

  private static Scheduler scheduler(AsyncRuntime rt) throws ReflectiveOperationException {
    Field f = AsyncRuntime.class.getDeclaredField("scheduler");
    f.setAccessible(true);
    return (Scheduler) f.get(rt);
  }
}
