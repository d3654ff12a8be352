// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores wakes from other threads racing the end of a current-thread runtime's
 * shutdown ({@link CurrentThreadScheduler}'s stop protocol). Two threads spawn a task each (a
 * spawn from a thread that does not drive the runtime: {@code shuttingDown} checked, the task
 * added to the live list, then woken onto the incoming queue), while a third shuts the runtime
 * down with no deadline to wait ({@code shutdown(Duration.ZERO)}: it drives what it finds, aborts
 * what is live, drives again until nothing is live, stops the scheduler and releases its claim).
 * A spawn that passed the {@code shuttingDown} check just before the shutdown began adds its task
 * after the shutdown's last look at the live list, and wakes it as the shutdown ends.
 *
 * <p>At the end, with nobody driving the runtime: every spawned task is finished (it ran, or it
 * was completed as cancelled), none is left live, and none is left queued where nobody will ever
 * drain it.
 *
 * <p>Against the code before the stop protocol (a wake refused when it read {@code stopped} set,
 * queued when it read it clear) it fails in about 3 s: "a spawned task is still live", the wake
 * having read {@code stopped} clear, then pushed after the shutdown's last drain; or refused while
 * the shutdown still held the claim, so the refused thread could only request cancellation.
 */
public class WakeRacingStopModelCheckTest {

  /** A fresh runtime for each scenario; nobody drives it but the shutdown. */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();

  private final CurrentThreadScheduler scheduler = runtime.localScheduler();

  /** The task each spawner's spawn was accepted for, or null (refused, or not run). */
  private volatile JoinHandle<String> spawned0;

  private volatile JoinHandle<String> spawned1;

  @Operation(nonParallelGroup = "spawner0")
  public void spawn0() {
    spawned0 = spawn();
  }

  @Operation(nonParallelGroup = "spawner1")
  public void spawn1() {
    spawned1 = spawn();
  }

  /** A spawn from a thread that does not drive the runtime; null if it was refused. */
  private JoinHandle<String> spawn() {
    try {
      return runtime.spawn(Future.ready("ran"));
    } catch (RejectedExecutionException refused) {
      return null; // the shutdown began first: nothing to check
    }
  }

  /** The whole shutdown, with nothing to wait for: it drives, aborts, drives, stops, releases. */
  @Operation(nonParallelGroup = "shutdown")
  public void shutdown() {
    runtime.shutdown(Duration.ZERO);
  }

  @Validate
  public void everyWokenTaskRanOrWasCancelledAndNoneStaysQueued() {
    for (JoinHandle<?> handle : new JoinHandle<?>[] {spawned0, spawned1}) {
      if (handle != null && runtime.isShutdown() && !handle.isFinished()) {
        throw new AssertionError("a spawned task is still live after the shutdown ended, with "
            + "nobody to drive it: its awaiters never wake");
      }
    }
    if (runtime.isShutdown() && runtime.liveTasks() != 0) {
      throw new AssertionError(runtime.liveTasks() + " task(s) live after the shutdown ended");
    }
    if (runtime.isShutdown() && !scheduler.isEmpty()) {
      throw new AssertionError("a task is still queued on the stopped runtime: nobody will ever "
          + "drain it (it stays reachable from the queue)");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(WakeRacingStopModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(1));
  }
}
