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
 * <p>12 scenarios of 50 interleavings, not 3 of 200: awaiter A's thread is one of four pairs of
 * its two operations, and an abandon that forgets the other awaiter's waker needs A to await, then
 * abandon; at 3 x 200 the scenario often never came. Plants, each in a detached worktree ({@code
 * mvn -B -q -o -pl runtime test -Dtest=JoinHandleModelCheckTest}, the test's own seconds, load 6
 * to 8 on 2 cores):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>before (3 x 200)</th><th>now (12 x 50)</th></tr>
 *   <tr><td>Task.complete wakes no joiner</td><td>caught (10 s, commit 9ca4cea)</td>
 *       <td>caught (9 s)</td></tr>
 *   <tr><td>JoinWaiters.remove drops the last waiter instead of the one forgotten (the shift
 *       left out)</td><td>not caught (25 s)</td><td>caught (36 s, twice in two)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (24 s, commit 9ca4cea)</td>
 *       <td>passes (16 s; 16 s on Java 25)</td></tr>
 * </table>
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
            /* iterations = */ 12, /* invocationsPerIteration = */ 50)
        .threads(3)
        .actorsPerThread(2)
        // No sequential prefix or suffix: the validation runs after the last part, and a poll in
        // a suffix would find the outcome a lost wake left unannounced.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
