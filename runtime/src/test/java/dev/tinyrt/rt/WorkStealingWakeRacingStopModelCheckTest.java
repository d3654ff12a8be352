// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * A wake from outside the workers racing a work-stealing runtime's {@code stop()}. The wake
 * checked {@code stopped}, then added the task to the injection queue; a stop in between let its
 * workers leave without looking at the queue and then cleared it, so the task was neither run nor
 * given up, and stayed live for ever (the scheduler-level half of the spawn-racing-shutdown bug a
 * hostile campaign found; {@code SpawnRacingShutdownModelCheckTest} has the spawn's half). Now the
 * wake looks at {@code stopped} again after its add and the stop gives up what it drains instead
 * of clearing it: whichever sees the other gives the task up. Fails on the old schedule and stop
 * (one look, a clear).
 *
 * <p>The scheduler's workers are never started, as in {@code WorkStealingGiveUpRaceTest}: nothing
 * runs the task, so after the two operations it must be complete (given up), never left queued.
 */
public class WorkStealingWakeRacingStopModelCheckTest {

  private WorkStealingScheduler scheduler;

  private final AsyncRuntime runtime = buildRuntime();

  private final Task<Void> task = new Task<>(cx -> Poll.pending(), runtime);

  {
    // Lincheck walks the test's objects; an unstarted Thread's context class loader leads it to a
    // JDK record that Java 25 does not let it take apart (as WorkStealingParkModelCheckTest says).
    for (Worker w : scheduler.workers) {
      w.setContextClassLoader(null);
    }
    // Live, as a spawned task is: its give-up takes it out of the live list.
    runtime.liveList().add(task);
  }

  private AsyncRuntime buildRuntime() {
    AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread(1);
    b.scheduler = rt -> scheduler =
        new WorkStealingScheduler(rt, 1, "wake-racing-stop", 1 << 20, /* start = */ false);
    return b.build();
  }

  private volatile boolean woke;
  private volatile boolean stopped;

  /** A timer's or another thread's wake of a task that is not running. */
  @Operation(nonParallelGroup = "waker")
  public void wake() {
    try {
      task.wake();
    } finally {
      woke = true; // a wake that threw is checked too (a wake must never throw)
    }
  }

  /** The end of a shutdown that found no live task (this one's spawn raced it). */
  @Operation(nonParallelGroup = "stopper")
  public void stop() {
    try {
      scheduler.stop();
    } finally {
      stopped = true; // a stop that threw is checked too
    }
  }

  @Validate
  public void aTaskWokenAroundTheStopIsGivenUp() {
    if (woke && stopped && !task.isComplete()) {
      throw new AssertionError("a task woken around the stop is not complete, and nothing will "
          + "run it or give it up (in the injection queue: "
          + scheduler.injection.contains(task) + ")");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(WorkStealingWakeRacingStopModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 100)
        .threads(2)
        .actorsPerThread(1)
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
