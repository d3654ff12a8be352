// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskModelCheckTest}'s check on the multi-threaded runtimes' path of {@link Task}: the
 * shared state word's SCHEDULED, RUNNING and NOTIFIED, which a current-thread runtime no longer
 * uses for wakes (its driving thread keeps a local word, and an outside wake during a local poll
 * only queues the task). The runtime's scheduler here is a one-task slot run by hand on the
 * threads Lincheck made, so two "workers" run the task in turn while others wake it. Checked once
 * the scenario ended ({@link #noWakeLost}): a task whose last poll began before the last wake
 * began is in the slot; the slot refuses a second task (a task queued twice would be polled by
 * two workers at once).
 *
 * <p>Planted when it was written (commit 48d6786, detached worktree): a wake while the task runs
 * that is forgotten ({@code transitionToNotified} not setting NOTIFIED) fails it in 5 s; the real
 * code passed in 15 s. Stop 14, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=TaskOnWorkersModelCheckTest}, load ~7): {@code transitionToIdle} dropping NOTIFIED (the
 * task goes idle, not back to the queue) fails it in 11 s; {@code transitionToNotified} on a
 * running task writing NOTIFIED by a read, then a write instead of its CAS (the runner's idle
 * overwritten) fails it in 7 s.
 */
public class TaskOnWorkersModelCheckTest {

  /** The run queue: at most one task, since a task is queued once until it runs. */
  private final AtomicReference<Task<?>> slot = new AtomicReference<>();

  /** A runtime whose scheduler is {@link #slot}. */
  private final AsyncRuntime runtime;

  /** Orders wake starts and poll starts. */
  private final AtomicLong clock = new AtomicLong();

  /** The clock when the last wake began, or -1. */
  private volatile long lastWakeStart = -1;

  /** The clock when the task's last poll began, or -1. */
  private volatile long lastPollStart = -1;

  /** The task: always pending, records when each poll starts. */
  private final Task<?> task;

  /** A fresh runtime and task for each scenario; the spawn's own wake queued the task. */
  public TaskOnWorkersModelCheckTest() {
    AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread(2);
    b.scheduler = TestFutures.oneTaskSlot(slot);
    runtime = b.build();
    Future<Void> parksForever = cx -> {
      lastPollStart = clock.incrementAndGet();
      return Poll.pending();
    };
    task = (Task<?>) runtime.spawn(parksForever);
  }

  /** Someone wakes the task: a timer, a channel, another task. */
  @Operation
  public void wake() {
    lastWakeStart = clock.incrementAndGet();
    task.wake();
  }

  /** A worker takes the queued task, if any, and polls it. */
  @Operation
  public void runOne() {
    Task<?> t = slot.getAndSet(null);
    if (t != null) {
      t.run();
    }
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void noWakeLost() {
    if (lastWakeStart > lastPollStart && slot.get() == null) {
      throw new AssertionError("lost wake-up: a wake began after the task's last poll began, yet "
          + "the task is not queued (state " + task.state() + ")");
    }
  }

  @Test
  public void modelCheck() {
    LostWakersBeforeLincheck.start();
    LinChecker.check(TaskOnWorkersModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 150)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: a run or a wake there would hide a lost wake.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
