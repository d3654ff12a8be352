// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A user's monitor on a {@code JoinHandle} (the task object itself) does not block the runtime:
 * no part of the runtime takes the task's monitor (its waiters change by compare-and-set). A
 * thread holds {@code synchronized (handle)}, parked on a latch it owns, while the task completes
 * with waiters registered and while other waiters register and forget; each goes on, and every
 * waiter is woken. On a runtime that locks the waiters with the task's monitor (9b121ce) each of
 * these hangs, and the JUnit timeout fails it.
 */
class JoinHandleMonitorTest {

  /** Long enough for a loaded machine; the runtime's part is a few field writes. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A thread that holds the handle's monitor until {@link #close()}. */
  private static final class MonitorHolder implements AutoCloseable {

    /** Counted down by the holder once it holds the monitor. */
    private final CountDownLatch held = new CountDownLatch(1);

    /** Counted down by the test to let the holder release the monitor. */
    private final CountDownLatch release = new CountDownLatch(1);

    /** The holder. */
    private final Thread thread;

    MonitorHolder(Object handle) throws InterruptedException {
      thread = new Thread(() -> {
        synchronized (handle) {
          held.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }, "holds the JoinHandle's monitor");
      thread.setDaemon(true);
      thread.start();
      held.await();
    }

    @Override
    public void close() throws InterruptedException {
      release.countDown();
      thread.join();
    }
  }

  @Test
  void completionWakesItsWaitersWhileAUserHoldsTheHandle() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      CountingWaker waiter = new CountingWaker();
      assertTrue(handle.poll(waiter.context()).isPending());
      CompletableFuture<String> stage = handle.toCompletableFuture();
      try (MonitorHolder holder = new MonitorHolder(handle)) {
        // The driver completes the task: with JOINED set it takes the waiters.
        assertTimeoutPreemptively(TIMEOUT, () -> {
          gate.complete("done");
          rt.localScheduler().runOne();
        }, "the completion blocked on the monitor a user holds");
        assertTrue(handle.isFinished());
        assertEquals(1, waiter.count(), "the waiter is woken once");
        assertEquals("done", stage.getNow(null));
        assertEquals("done", handle.poll(waiter.context()).get());
      }
    }
  }

  @Test
  void waitersRegisterAndForgetWhileAUserHoldsTheHandle() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      rt.localScheduler().runOne();
      CountingWaker first = new CountingWaker();
      CountingWaker second = new CountingWaker();
      CountingWaker forgotten = new CountingWaker();
      CompletableFuture<CompletableFuture<String>> stage = new CompletableFuture<>();
      try (MonitorHolder holder = new MonitorHolder(handle)) {
        // Another thread registers (the first waiter sets JOINED), forgets and asks for a stage.
        assertTimeoutPreemptively(TIMEOUT, () -> {
          assertTrue(handle.poll(first.context()).isPending());
          assertTrue(handle.poll(second.context()).isPending());
          assertTrue(handle.poll(forgotten.context()).isPending());
          ((Task<?>) handle).forget(forgotten);
          stage.complete(handle.toCompletableFuture());
          assertEquals(2 + 1, ((Task<?>) handle).waiterCount());
        }, "a registration blocked on the monitor a user holds");
        assertTimeoutPreemptively(TIMEOUT, () -> {
          gate.complete("done");
          rt.localScheduler().runOne();
        }, "the completion blocked on the monitor a user holds");
      }
      assertEquals(1, first.count());
      assertEquals(1, second.count());
      assertEquals(0, forgotten.count(), "a forgotten waiter is not woken");
      assertEquals("done", stage.getNow(null).getNow(null));
    }
  }

  @Test
  void aTaskAwaitingTheHandleIsPolledWhileAUserHoldsIt() throws Exception {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      JoinHandle<String> awaiter = rt.spawn(handle::poll);
      try (MonitorHolder holder = new MonitorHolder(handle)) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
          rt.localScheduler().runOne(); // the gate's task parks
          rt.localScheduler().runOne(); // the awaiter polls the handle: registers
          assertEquals(1, ((Task<?>) handle).waiterCount());
          gate.complete("done");
          rt.localScheduler().runOne(); // the task completes and wakes the awaiter
          rt.localScheduler().runOne(); // the awaiter reads the outcome
        }, "the driver blocked on the monitor a user holds");
      }
      assertTrue(awaiter.isFinished());
      assertEquals("done", awaiter.toCompletableFuture().getNow(null));
    }
  }

  /** The defect as a user meets it: a join under the handle's monitor, on a worker pool. */
  @Test
  void aJoinUnderTheHandlesMonitorDoesNotDeadlockAWorker() {
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build()) {
      TestFutures.Gate<String> gate = new TestFutures.Gate<>();
      JoinHandle<String> handle = rt.spawn(gate);
      String value = assertTimeoutPreemptively(TIMEOUT, () -> {
        synchronized (handle) {
          CompletableFuture<String> cf = handle.toCompletableFuture();
          gate.complete("done");
          // Interruptible, so that the timeout lets go of the monitor and the worker ends.
          return cf.get(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        }
      }, "the worker completing the task blocked on the monitor the joiner holds");
      assertEquals("done", value);
    }
  }
}
