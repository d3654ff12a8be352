// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.DeepCheck;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two awaiters polling one {@code JoinHandle} (each with its own waker) against
 * the worker that completes the task: once the task is complete and no poll is in flight, every
 * awaiter whose last poll returned pending must have been woken. A handle that kept one waker
 * (the bug this replaces) loses the other awaiter's wake-up.
 */
public class JoinHandleModelCheckTest {

  /** A runtime with no thread of its own. */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();

  private final CurrentThreadScheduler scheduler = runtime.localScheduler();

  /** The task's future: pending until the worker completes it. */
  private final TestFutures.Gate<String> gate = new TestFutures.Gate<>();

  /** The handle both awaiters poll. */
  private final JoinHandle<String> handle;

  private final CountingWaker wakerA = new CountingWaker();
  private final CountingWaker wakerB = new CountingWaker();
  private final Context cxA = wakerA.context();
  private final Context cxB = wakerB.context();

  /** Whether each awaiter's last poll returned pending. */
  private volatile boolean pendingA;
  private volatile boolean pendingB;

  /** Polls in flight. */
  private final AtomicInteger inflight = new AtomicInteger();

  /** A fresh task, polled once so that it is parked on its gate. */
  public JoinHandleModelCheckTest() {
    handle = runtime.spawn(gate);
    scheduler.runOne();
  }

  @Operation(nonParallelGroup = "a")
  public void awaitA() {
    inflight.incrementAndGet();
    pendingA = handle.poll(cxA).isPending();
    inflight.decrementAndGet();
  }

  @Operation(nonParallelGroup = "b")
  public void awaitB() {
    inflight.incrementAndGet();
    pendingB = handle.poll(cxB).isPending();
    inflight.decrementAndGet();
  }

  /** Completes the task on the worker. */
  @Operation(nonParallelGroup = "worker")
  public void complete() {
    gate.complete("done");
    scheduler.runOne();
  }

  /**
   * No sequential run answers "lost wake-up", so Lincheck fails any interleaving that does.
   */
  @Operation(nonParallelGroup = "worker")
  public String check() {
    if (inflight.get() > 0 || !handle.isFinished()) {
      return "ok";
    }
    if ((pendingA && wakerA.count() == 0) || (pendingB && wakerB.count() == 0)) {
      return "lost wake-up";
    }
    return "ok";
  }

  @Test
  public void modelCheck() {
    LinChecker.check(JoinHandleModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 200)
        .threads(3)
        .actorsPerThread(2));
  }
}
