// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WorkStealingGiveUpRaceTest}'s race on the comparison pools, which hand a task to their
 * pool as a {@code Runnable}: the pool's thread calls {@code Task.run()} on an entry whose task a
 * shutdown took ({@code transitionToTaken}) and is unwinding. {@code run()} threw there: the
 * shared-queue pool replaced its thread, the fork-join pool reported the exception as uncaught.
 * Here the entry is really in the pool's queue, behind a task that holds the pool's one thread
 * until the give-up has taken the queued task.
 */
class ComparisonPoolGiveUpRaceTest {

  /** Each comparison pool with one thread. */
  private static AsyncRuntime oneThread(WorkerPool pool) {
    return AsyncRuntime.builder().multiThread(1).workerPool(pool).build();
  }

  @ParameterizedTest
  @EnumSource(value = WorkerPool.class, names = {"FORK_JOIN", "SHARED_QUEUE"})
  void thePoolsThreadSkipsAnEntryTheShutdownIsGivingUpOn(WorkerPool pool) throws Exception {
    // The fork-join pool keeps its thread but hands what a task threw to the thread's handler.
    AtomicReference<Throwable> reported = new AtomicReference<>();
    AsyncRuntime rt = oneThread(pool);
    CountDownLatch release = new CountDownLatch(1);
    try {
      CountDownLatch holding = new CountDownLatch(1);
      AtomicReference<Thread> poolThread = new AtomicReference<>();
      rt.spawn(cx -> {
        Thread.currentThread()
            .setUncaughtExceptionHandler((t, e) -> reported.compareAndSet(null, e));
        poolThread.set(Thread.currentThread());
        holding.countDown();
        try {
          release.await(); // holds the pool's one thread: the entry below stays queued
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Poll.ready(null);
      });
      assertTrue(holding.await(10, TimeUnit.SECONDS), "the holding task never ran");
      AtomicInteger polls = new AtomicInteger();
      Task<Void> task = new Task<>(cx -> {
        polls.incrementAndGet();
        return Poll.pending();
      }, rt);
      // Woken, its entry queued in the pool, then taken by the give-up before the pool gets to it.
      assertEquals(TaskState.Wake.SCHEDULE, task.transitionToNotified());
      rt.schedule(task);
      assertEquals(TaskState.Take.TAKEN_NEW, task.transitionToTaken());
      release.countDown();
      // Queued behind the entry (one submitting thread: the fork-join pool's submission queue
      // and the shared queue are FIFO), so it runs on the same thread unless the entry killed it.
      Thread after = rt.blockOn(rt.spawn(cx -> Poll.ready(Thread.currentThread())));
      assertSame(poolThread.get(), after, "the pool's thread died on the give-up's leftover");
      assertNull(reported.get(), "the pool's thread was handed an exception by the leftover");
      assertEquals(0, polls.get(), "a task being given up was polled");
    } finally {
      release.countDown(); // a failed assertion must not leave the pool's thread held
      rt.shutdown(Duration.ofSeconds(5));
    }
  }

  @ParameterizedTest
  @EnumSource(value = WorkerPool.class, names = {"FORK_JOIN", "SHARED_QUEUE"})
  void runStillRefusesATaskNobodyScheduled(WorkerPool pool) {
    AsyncRuntime rt = oneThread(pool);
    try {
      AtomicInteger polls = new AtomicInteger();
      Task<Void> task = new Task<>(cx -> {
        polls.incrementAndGet();
        return Poll.pending();
      }, rt);
      IllegalStateException e = assertThrows(IllegalStateException.class, task::run);
      assertTrue(e.getMessage().contains("was not scheduled"), e.getMessage());
      assertEquals(0, polls.get());
    } finally {
      rt.shutdown(Duration.ofSeconds(5));
    }
  }
}
