// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores wakes of a task from several threads against the worker that runs it (the
 * waker/poll protocol of {@link Task}): whenever the task is neither queued nor running, its last
 * poll must have started after the last wake began. A wake lost while the task runs would leave
 * it parked with a wake-up nobody saw.
 */
public class TaskModelCheckTest {

  /** A runtime with no thread of its own (no blocking pool is made before it is used). */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();
  private final CurrentThreadScheduler scheduler = runtime.localScheduler();

  /** Orders wake starts and poll starts. */
  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger inflight = new AtomicInteger();
  private volatile long lastWakeStart = -1;
  private volatile long lastPollStart = -1;

  /** A task whose future is always pending and records when each poll starts. */
  private final JoinHandle<Void> task;

  /** A fresh runtime and task for each scenario; the spawn's own wake queued the task. */
  public TaskModelCheckTest() {
    Future<Void> parksForever = cx -> {
      lastPollStart = clock.incrementAndGet();
      return Poll.pending();
    };
    task = runtime.spawn(parksForever);
  }

  @Operation
  public void wake() {
    inflight.incrementAndGet();
    lastWakeStart = clock.incrementAndGet();
    ((Task<?>) task).wake();
    inflight.decrementAndGet();
  }

  /**
   * Runs the queued task, if any. Its result is not an outcome: a wake may have set SCHEDULED and
   * not yet put the task in the queue, which is no lost wake-up (it is about to be queued).
   */
  @Operation(nonParallelGroup = "worker")
  public void runOne() {
    scheduler.runOne();
  }

  /**
   * No sequential run answers "lost wake-up", so Lincheck fails any interleaving that does. The
   * last wake start is read first: a wake counted in it bumped {@code inflight} before, so if
   * none is in flight afterwards, all of them returned, and each left the task queued or polled
   * again after it began.
   */
  @Operation(nonParallelGroup = "worker")
  public String check() {
    long wakeStart = lastWakeStart;
    if (inflight.get() > 0 || !scheduler.isEmpty()) {
      return "ok";
    }
    return lastPollStart > wakeStart ? "ok" : "lost wake-up";
  }

  @Test
  public void modelCheck() {
    LinChecker.check(TaskModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 5, /* invocationsPerIteration = */ 300)
        .threads(2)
        .actorsPerThread(3));
  }
}
