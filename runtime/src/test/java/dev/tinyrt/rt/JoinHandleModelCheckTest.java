// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two awaiter tasks of one {@code JoinHandle} (each polls with a new waker each
 * time, and awaiter A may abandon its await) against the worker that completes the task. Checked
 * once the scenario ended ({@link #noWakeLost}): an awaiter left pending whose last waker was never
 * woken must not find the task finished when it polls now. A handle that kept one waker (the bug
 * this was first written for) loses the other awaiter's wake-up; so does a completion that wakes
 * nobody (planted once: this check fails on it).
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run (a completion that wakes nobody) is lost in the sequential runs too, so a
 * result saying so would match them. The awaiters behave as executors do ({@link WokenTask}): they
 * poll the handle again only once woken, so an unprompted poll never finds the outcome that a lost
 * wake left unannounced.
 *
 * <p>That plant, a completion that wakes no joiner, failed it in 10 s in a detached worktree
 * (commit 9ca4cea; the real code passed in 24 s at 3 x 200). Not replanted in stop 14's campaign.
 */
public class JoinHandleModelCheckTest {

  /** A runtime with no thread of its own. */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();

  /** The runtime's queue, run by hand. */
  private final CurrentThreadScheduler scheduler = runtime.localScheduler();

  /** The task's future: pending until the worker completes it. */
  private final TestFutures.Gate<String> gate = new TestFutures.Gate<>();

  /** The handle both awaiters poll. */
  private final JoinHandle<String> handle;

  /** Awaiter A, which may also abandon its await. */
  private final WokenTask<String> a;

  /** Awaiter B. */
  private final WokenTask<String> b;

  /** A fresh task, polled once so that it is parked on its gate. */
  public JoinHandleModelCheckTest() {
    handle = runtime.spawn(gate);
    scheduler.runOne();
    a = new WokenTask<>("awaiter A's await of the JoinHandle", () -> handle);
    b = new WokenTask<>("awaiter B's await of the JoinHandle", () -> handle);
  }

  @Operation(nonParallelGroup = "a")
  public void awaitA() {
    a.turn();
  }

  /** A stops waiting (a lost select, a timeout): the handle forgets its waker, not B's. */
  @Operation(nonParallelGroup = "a")
  public void abandonA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void awaitB() {
    b.turn();
  }

  /** Completes the task on the worker: the gate opens and the worker polls the task to the end. */
  @Operation(nonParallelGroup = "worker")
  public void complete() {
    gate.complete("done");
    scheduler.runOne();
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void noWakeLost() {
    a.assertNoLostWake();
    b.assertNoLostWake();
  }

  @Test
  public void modelCheck() {
    LostWakersBeforeLincheck.start();
    LinChecker.check(JoinHandleModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 3, /* invocationsPerIteration = */ 200)
        .threads(3)
        .actorsPerThread(2)
        // No sequential prefix or suffix: the validation runs after the last part, and a poll in
        // a suffix would find the outcome a lost wake left unannounced.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
