// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores a busy worker's steal from a stalled one ({@link Worker#stealFromStalled})
 * against a free worker's search and sleep, on a scheduler of three workers whose threads are not
 * started. Worker 0 is stalled in a long poll with three tasks queued; worker 1 is busy (its own
 * task is always ready, so it never searches) and its next look at worker 0 finds it stalled: it
 * takes the oldest task (a long poll too: it stalls after it) and moves the second into its own
 * queue. Worker 2 is free: it searches, runs what it finds, falls asleep. At the end no task may
 * wait in a queue of a stalled worker while the free one sleeps.
 *
 * <p>Found by a review of the steal, which first did not announce what it moved: between its
 * compare-and-set of worker 0's head and its publication of its own queue's tail, the moved task
 * was in neither queue, the free worker's last look before sleeping saw nothing, and nobody woke
 * it. That build (the call planted out) fails in 9.5 s ("the free worker sleeps while 1 task(s)
 * wait behind stalled workers"); the real code, whose steal calls {@code notifyOne} when it
 * leaves tasks in its queue, passes in 6.7 s.
 */
public class StalledStealSleepModelCheckTest {

  private final AsyncRuntime owner = AsyncRuntime.currentThread();
  private final WorkStealingScheduler scheduler =
      new WorkStealingScheduler(owner, 3, "model", 1 << 20, /* start = */ false);

  /** Whether the worker of that index fell asleep at its last step. */
  private final boolean[] slept = new boolean[3];

  /** Whether worker 1 took its one look (then it runs what it took: a long poll). */
  private boolean busyLooked;

  /** Whether worker 1's look found a task (it is stalled in it from then on). */
  private boolean busyStalled;

  /** Brings worker 1 to the task just before its look that finds worker 0 stalled. */
  public StalledStealSleepModelCheckTest() {
    Worker stalled = scheduler.workers[0];
    for (int i = 0; i < 3; i++) {
      stalled.pushLocal(new Task<>(cx -> Poll.pending(), owner));
    }
    // Worker 1 looks every GLOBAL_QUEUE_INTERVAL tasks at the other workers in turn: at worker 0
    // (first seen), at worker 2, then at worker 0 again, unchanged: the next task is that look.
    Worker busy = scheduler.workers[1];
    Task<Void> own = new Task<>(cx -> Poll.pending(), owner);
    for (int i = 1; i < 3 * Worker.GLOBAL_QUEUE_INTERVAL; i++) {
      busy.pushLocal(own);
      if (busy.findTask() != own) {
        throw new IllegalStateException("worker 1 took another task at its task " + i);
      }
    }
    for (Worker w : scheduler.workers) {
      w.setContextClassLoader(null);
    }
  }

  /** Worker 1's look; once it found a task, it is stalled in it; else it steps as usual. */
  @Operation(nonParallelGroup = "busy")
  public void stepBusyWorker() {
    if (busyLooked) {
      if (!busyStalled) {
        step(1);
      }
      return;
    }
    busyLooked = true;
    Task<?> task = scheduler.workers[1].findTask();
    busyStalled = task != null;
    slept[1] = task == null;
  }

  @Operation(nonParallelGroup = "free")
  public void stepFreeWorker() {
    step(2);
  }

  /** One step of a worker that is not stalled: wakes if woken, looks for a task, runs it. */
  private void step(int i) {
    Worker w = scheduler.workers[i];
    if (scheduler.idle.isAsleep(i)) {
      return;
    }
    if (slept[i]) {
      w.wokenUp();
      slept[i] = false;
    }
    slept[i] = w.findTask() == null;
  }

  @Validate
  public void noFreeWorkerSleepsWhileTasksWaitBehindStalledOnes() {
    for (int steps = 0; ; steps++) {
      boolean freeAsleep = scheduler.idle.isAsleep(2)
          && (busyStalled || !busyLooked || scheduler.idle.isAsleep(1));
      if (freeAsleep) {
        break;
      }
      if (steps > 100) {
        throw new AssertionError("the free worker never falls asleep");
      }
      step(2);
      if (busyLooked && !busyStalled) {
        step(1);
      }
    }
    int queued = scheduler.injection.size();
    for (Worker w : scheduler.workers) {
      queued += w.queue.size();
    }
    if (queued > 0) {
      throw new AssertionError("the free worker sleeps while " + queued + " task(s) wait behind"
          + " stalled workers (worker 1's queue " + scheduler.workers[1].queue.size()
          + ", worker 0's " + scheduler.workers[0].queue.size() + ")");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(StalledStealSleepModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 6, /* invocationsPerIteration = */ 100)
        .threads(2)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(2));
  }
}
