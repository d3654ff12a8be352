// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the parking protocol of {@link WorkStealingScheduler} and {@link Idle}: tasks
 * scheduled from outside while two workers look for work, steal, fall asleep and are woken. The
 * workers' threads are not started; each worker's steps run here, one {@link Worker#findTask} at
 * a time, and a worker asleep in {@link Idle} takes no step until a queuer wakes it, as a parked
 * thread would. At the end no task may be left queued while every worker sleeps: that would be a
 * lost wake-up, a task nobody runs.
 */
public class WorkStealingParkModelCheckTest {

  /** A runtime with no thread of its own, only to own the tasks. */
  private final AsyncRuntime owner = AsyncRuntime.currentThread();

  /** Two workers, not started. */
  private final WorkStealingScheduler scheduler =
      new WorkStealingScheduler(owner, 2, "model", 1 << 20, /* start = */ false);

  {
    // Lincheck walks the test's objects; an unstarted Thread's context class loader leads it to a
    // JDK record that Java 25 does not let it take apart. The workers run no code of a loader.
    for (Worker w : scheduler.workers) {
      w.setContextClassLoader(null);
    }
  }

  /** Per worker: whether its last step left it asleep (it calls wokenUp before the next one). */
  private final boolean[] slept = new boolean[2];

  @Operation
  public void scheduleFromOutside() {
    scheduler.schedule(new Task<>(cx -> Poll.pending(), owner));
  }

  @Operation(nonParallelGroup = "worker0")
  public void stepWorker0() {
    step(0);
  }

  @Operation(nonParallelGroup = "worker1")
  public void stepWorker1() {
    step(1);
  }

  /** One pass of {@link Worker#run}'s loop; the task found, if any, counts as run. */
  private void step(int i) {
    Worker w = scheduler.workers[i];
    if (scheduler.idle.isAsleep(i)) {
      return; // parked: only a queuer's wake-up lets it go on
    }
    if (slept[i]) {
      w.wokenUp();
      slept[i] = false;
    }
    if (w.findTask() == null) {
      slept[i] = true;
    }
  }

  @Validate
  public void noTaskIsLeftWhileEveryWorkerSleeps() {
    boolean queued = !scheduler.injection.isEmpty();
    for (Worker w : scheduler.workers) {
      queued |= !w.queue.isEmpty() || w.lifo != null;
    }
    if (queued && scheduler.idle.isAsleep(0) && scheduler.idle.isAsleep(1)) {
      throw new AssertionError("lost wake-up: a task is queued and every worker sleeps");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(WorkStealingParkModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 150)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(2));
  }
}
