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
 * thread would. At the end ({@link #noTaskIsLeftWhileEveryWorkerSleeps}) the workers that are
 * awake go on stepping, as their threads would, until every one sleeps: no task may be left
 * queued then, or it is a lost wake-up, a task nobody runs.
 *
 * <p>The old check passed a plant: a schedule that calls notifyOne before it queues the task. Its
 * lost wake-up needs the scheduling thread to stop between its read of the idle word (a worker
 * awake: nobody to wake) and its queueing while both workers fall asleep; with two operations a
 * thread, 3 x 150 interleavings never found it (grouped or not, judged at the end or with the
 * workers run out), while one operation a thread (one schedule against one step of each worker)
 * found it in three runs of 3 x 50 out of three. So the check runs that shape first, then the
 * two-operation one (a worker woken and stepping again, a second schedule). Each thread is one
 * group's (a worker's steps, or the schedules from outside), as in {@link
 * WorkStealingSelectParkModelCheckTest}, so every scenario steps both workers; and a worker left
 * awake at the end must now find the work, where it used to count as one that would.
 *
 * <p>Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=WorkStealingParkModelCheckTest}, the test's own seconds, load 7 to 9 on 2 cores):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>before (2 actors a thread, 3 x 150, ungrouped, end state only)</th>
 *       <th>now (1 actor a thread at 4 x 40, then 2 at 3 x 80)</th></tr>
 *   <tr><td>Worker.prepareToSleep without its last look at the queues</td><td>caught (32 s)</td>
 *       <td>caught (19 s)</td></tr>
 *   <tr><td>WorkStealingScheduler.schedule calls notifyOne before it queues the task</td>
 *       <td>not caught (21 s; grouped, 4 runs each of 3 x 150, 3 x 50, 6 x 30: not caught)</td>
 *       <td>caught (21 s, twice in two)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (21 s)</td>
 *       <td>passes (16 s; 16 s on Java 25)</td></tr>
 * </table>
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

  @Operation(nonParallelGroup = "outside")
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

  /** Run once the scenario ended: the awake workers go on until each sleeps, then judges. */
  @Validate
  public void noTaskIsLeftWhileEveryWorkerSleeps() {
    // Each step either runs a task or puts its worker to sleep (or takes the sleep back, at most
    // once per task queued), so this ends; the bound only turns a bug that never sleeps into an
    // error.
    for (int steps = 0; !scheduler.idle.isAsleep(0) || !scheduler.idle.isAsleep(1); steps++) {
      if (steps > 100) {
        throw new AssertionError("the workers never fall asleep");
      }
      step(steps % 2);
    }
    boolean queued = !scheduler.injection.isEmpty();
    for (Worker w : scheduler.workers) {
      queued |= !w.queue.isEmpty() || w.lifo != null;
    }
    if (queued) {
      throw new AssertionError("lost wake-up: a task is queued and every worker sleeps");
    }
  }

  /**
   * Two shapes: one operation a thread (one schedule against one step of each worker, explored
   * deeply: the only shape that found a schedule that wakes before it queues), then two a thread
   * (a worker woken and stepping again, a second schedule).
   */
  @Test
  public void modelCheck() {
    LinChecker.check(WorkStealingParkModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 4, /* invocationsPerIteration = */ 40)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(1));
    LinChecker.check(WorkStealingParkModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 80)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(2));
  }
}
