// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the sleep of workers that park by selecting ({@link IoMode#PER_WORKER}):
 * tasks scheduled from outside and sockets becoming ready on a worker's own selector, while two
 * workers look for work, fall asleep, select and are woken. Each worker parks through a stand-in
 * for its I/O driver ({@link SelectingParker}): a permit ({@link Parker#unpark}) or readiness
 * ends its select, and readiness wakes a task on the worker's own thread, into its own LIFO slot
 * ({@link WorkStealingScheduler#scheduleLocal}, the path a waker takes there). The workers' threads
 * are not started; each step is one pass of {@link Worker#run}'s loop, and a worker blocked in its
 * select takes no step. At the end no task may be left queued while every worker is blocked:
 * that would be a lost wake-up (a worker that its own selector woke must take its sleep back).
 *
 * <p>Planted when it was written (commit 7da7315): a worker that does not take its sleep back
 * after its own selector woke a task fails the spelled-out interleaving and the model check (see
 * {@link #modelCheck}). Stop 14, detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=WorkStealingSelectParkModelCheckTest}, load ~7): a schedule from outside that calls
 * notifyOne before it queues the task fails it in 24 s ("lost wake-up"), as it did not fail
 * {@link WorkStealingParkModelCheckTest} before that test was changed.
 */
public class WorkStealingSelectParkModelCheckTest {

  /** A runtime with no thread of its own, only to own the tasks. */
  private final AsyncRuntime owner = AsyncRuntime.currentThread();

  /** Two workers, not started. */
  private final WorkStealingScheduler scheduler = new WorkStealingScheduler(
      owner, 2, "model", 1 << 20, IoMode.PER_WORKER, /* start = */ false);

  /** Per worker, the stand-in for its selector. */
  private final SelectingParker[] parkers = {new SelectingParker(0), new SelectingParker(1)};

  {
    for (Worker w : scheduler.workers) {
      // As in WorkStealingParkModelCheckTest: Lincheck must not walk into the loader's records.
      w.setContextClassLoader(null);
    }
    scheduler.parker(new java.util.function.Supplier<Parker>() {
      private int next;

      @Override
      public Parker get() {
        return parkers[next++];
      }
    });
    for (SelectingParker p : parkers) {
      p.permit.set(false); // the installer's permit: the model starts with every worker awake
    }
  }

  /** Per worker: whether its last step left it asleep (it calls wokenUp before the next one). */
  private final boolean[] slept = new boolean[2];

  /** A worker's selector: a permit and a readiness, either of which ends its select. */
  private final class SelectingParker implements Parker {

    /** Which worker selects on it. */
    private final int worker;

    /** Set by {@link #unpark()}, taken by the next park. */
    final AtomicBoolean permit = new AtomicBoolean();

    /** Set when a socket on this selector became ready; the select that sees it wakes a task. */
    final AtomicBoolean readiness = new AtomicBoolean();

    SelectingParker(int worker) {
      this.worker = worker;
    }

    /** @return whether a select would return now */
    boolean wouldReturn() {
      return permit.get() || readiness.get();
    }

    @Override
    public void park(long timeoutNanos) {
      permit.set(false);
      if (readiness.getAndSet(false)) {
        // The ready socket's task is woken on this worker's thread, as its waker would.
        scheduler.scheduleLocal(scheduler.workers[worker], new Task<>(cx -> Poll.pending(), owner));
      }
    }

    @Override
    public void unpark() {
      permit.set(true);
    }

    @Override
    public void stop() {}
  }

  @Operation(nonParallelGroup = "outside")
  public void scheduleFromOutside() {
    scheduler.schedule(new Task<>(cx -> Poll.pending(), owner));
  }

  @Operation(nonParallelGroup = "outside")
  public void socketReadyOnWorker0() {
    parkers[0].readiness.set(true);
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
      if (!parkers[i].wouldReturn()) {
        return; // blocked in select: only a permit or readiness lets it go on
      }
      if (!w.park() && scheduler.idle.isAsleep(i)) {
        return; // its park returned, and it parks again
      }
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
  public void noTaskIsLeftWhileEveryWorkerIsBlocked() {
    boolean queued = !scheduler.injection.isEmpty();
    for (Worker w : scheduler.workers) {
      queued |= !w.queue.isEmpty() || w.lifo != null;
    }
    boolean blocked = true;
    for (int i = 0; i < 2; i++) {
      blocked &= scheduler.idle.isAsleep(i) && !parkers[i].wouldReturn();
    }
    if (queued && blocked) {
      throw new AssertionError("lost wake-up: a task is queued and every worker is blocked in select");
    }
  }

  /** The one interleaving of the lost wake-up the model check is for, spelled out. */
  @Test
  public void aWorkerThatItsOwnSelectorWokeTakesItsSleepBack() {
    stepWorker0();
    stepWorker1();
    socketReadyOnWorker0();
    stepWorker0();
    stepWorker1();
    noTaskIsLeftWhileEveryWorkerIsBlocked();
  }

  /**
   * Each thread is one group's (a worker's steps, or what comes from outside), so every scenario
   * steps both workers: with the outside operations ungrouped, 10 x 60 scenarios never found the
   * planted lost wake-up (a worker that does not take its sleep back); grouped, they do.
   */
  @Test
  public void modelCheck() {
    LinChecker.check(WorkStealingSelectParkModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 60)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(2));
  }
}
