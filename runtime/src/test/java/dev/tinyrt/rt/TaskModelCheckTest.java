// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores wakes of a task from several threads against the worker that runs it (the
 * waker/poll protocol of {@link Task}, a wake while it runs included). Checked once the scenario
 * ended ({@link #noWakeLost}): a task whose last poll began before the last wake began is in its
 * run queue; else that wake was lost and the task stays parked with a wake-up nobody saw. This
 * runtime is a current-thread one, whose driving thread polls with its local word; the shared
 * word's RUNNING and NOTIFIED, which the multi-threaded runtimes use, are checked by {@link
 * TaskOnWorkersModelCheckTest}.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run (a wake of an idle task that does not queue it) is lost in the sequential runs
 * too, so a result saying so would match them. The check is in a {@code @Validate} function, which
 * Lincheck runs once the whole scenario ended, so nothing is in flight then: a wake that set
 * SCHEDULED has put the task in the queue by then.
 *
 * <p>Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=TaskModelCheckTest}): an outside wake of an idle task that sets SCHEDULED but does not
 * queue the task ({@code transitionToNotified} returning NOTHING after its CAS) fails it in 15 s
 * (stop 14, load ~8, main's Task of e338a57); a wake during a run that is forgotten passes it, as
 * it should: this runtime's polls do not use RUNNING (commit 48d6786), TaskOnWorkersModelCheckTest
 * catches that one.
 */
public class TaskModelCheckTest {

  /** A runtime with no thread of its own (no blocking pool is made before it is used). */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();

  /** The runtime's queue, run by hand. */
  private final CurrentThreadScheduler scheduler = runtime.localScheduler();

  /** Orders wake starts and poll starts. */
  private final AtomicLong clock = new AtomicLong();

  /** The clock when the last wake began, or -1. */
  private volatile long lastWakeStart = -1;

  /** The clock when the task's last poll began, or -1. */
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

  /** Someone wakes the task: a timer, a channel, the task itself. */
  @Operation
  public void wake() {
    lastWakeStart = clock.incrementAndGet();
    ((Task<?>) task).wake();
  }

  /** The worker runs the queued task, if any. */
  @Operation(nonParallelGroup = "worker")
  public void runOne() {
    scheduler.runOne();
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void noWakeLost() {
    if (lastWakeStart > lastPollStart && scheduler.isEmpty()) {
      throw new AssertionError("lost wake-up: a wake began after the task's last poll began, yet "
          + "the task is not in its run queue (state " + ((Task<?>) task).state() + ")");
    }
  }

  @Test
  public void modelCheck() {
    LostWakersBeforeLincheck.start();
    LinChecker.check(TaskModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 150)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part, and a run or a
        // wake in a suffix would hide a wake lost in the parallel part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
