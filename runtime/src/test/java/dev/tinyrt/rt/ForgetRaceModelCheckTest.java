// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * A waiter forgotten on one thread while another registers and a worker completes the task
 * ({@link Task}'s class comment): {@link WaiterTakeModelCheckTest} forgets only on the thread
 * that registered, this one forgets a waiter X registered before the scenario, and registers it
 * again, on a thread of its own (the ABA case: X gone and back while A's registration CASes the
 * same field), with X alone before the scenario (the field holds X) or X and Y (a {@link
 * JoinWaiters}). First written by a hostile review of the compare-and-set waiters.
 *
 * <p>Checked once the scenario ended ({@link #check}): every waiter is woken at most once, none
 * registered and pending is lost, Y is woken exactly when the task finished, and {@link
 * Task#waiterCount} counts exactly the waiters still registered (a forget that drops another
 * waiter, or leaves its own, shows there).
 *
 * <p>Plants ({@code mvn -B -q -o -pl runtime test -Dtest=ForgetRaceModelCheckTest}, 2 cores):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>result</th></tr>
 *   <tr><td>{@code forget} as a read of the waiters, then a write of null (not a CAS)</td>
 *       <td>caught with X alone before (31 s; the scenario's A, pending, was dropped: {@code
 *       waiterCount} 0 where 1 was expected); with X and Y the field is a JoinWaiters, and the
 *       plant is no bug there</td></tr>
 *   <tr><td>none (the real code)</td><td>passes: 21.8 s and 13.2 s (each with Lincheck's start,
 *       beside a CI run)</td></tr>
 * </table>
 */
public class ForgetRaceModelCheckTest {

  /** 0: only X registered before the scenario; 1: X and Y (a JoinWaiters). */
  private static volatile int extra;

  /** The task's future: pending until the worker opens it. */
  private final TestFutures.Gate<String> gate = new TestFutures.Gate<>();

  /** The multi-threaded runtime's run queue: at most one task, run by hand. */
  private final AtomicReference<Task<?>> slot = new AtomicReference<>();

  /** The task, polled once: parked on its gate. */
  private final Task<String> task;

  /** Registered before the scenario; forgotten and registered again by thread "x". */
  private final CountingWaker x = new CountingWaker();

  /** Registered before the scenario when {@link #extra} is 1; left alone. */
  private final CountingWaker y = new CountingWaker();

  private boolean xRegistered = true;

  /** Thread "a"'s waker, once it awaited. */
  private CountingWaker mine;

  private boolean pending;

  private boolean completed;

  /** Builds the task, runs it once (parked on its gate) and registers X (and Y). */
  @SuppressWarnings("unchecked")
  public ForgetRaceModelCheckTest() {
    AsyncRuntime.Builder builder = AsyncRuntime.builder().multiThread(2);
    builder.scheduler = TestFutures.oneTaskSlot(slot);
    task = (Task<String>) builder.build().spawn(gate);
    runTask();
    if (!task.poll(x.context()).isPending()) {
      throw new AssertionError("X found the task finished");
    }
    if (extra == 1 && !task.poll(y.context()).isPending()) {
      throw new AssertionError("Y found the task finished");
    }
  }

  private void runTask() {
    Task<?> t = slot.getAndSet(null);
    if (t != null) {
      t.run();
    }
  }

  /** A registers, once. */
  @Operation(nonParallelGroup = "a")
  public void await() {
    if (mine != null) {
      return;
    }
    mine = new CountingWaker();
    Poll<String> p = task.poll(mine.context());
    if (p.isReady() && !"done".equals(p.get())) {
      throw new AssertionError("read " + p.get());
    }
    pending = p.isPending();
  }

  /** A abandons its await. */
  @Operation(nonParallelGroup = "a")
  public void abandon() {
    if (pending) {
      task.forget(mine);
      pending = false;
    }
  }

  /** X's await is abandoned. */
  @Operation(nonParallelGroup = "x")
  public void forgetX() {
    if (xRegistered) {
      task.forget(x);
      xRegistered = false;
    }
  }

  /** X awaits again. */
  @Operation(nonParallelGroup = "x")
  public void reregisterX() {
    if (!xRegistered) {
      xRegistered = task.poll(x.context()).isPending();
    }
  }

  /** The worker opens the gate and runs the task to completion, once. */
  @Operation(nonParallelGroup = "worker")
  public void complete() {
    if (!completed) {
      completed = true;
      gate.complete("done");
      runTask();
    }
  }

  /** What must hold once the scenario ended. */
  @Validate
  public void check() {
    boolean finished = task.isFinished();
    if (mine != null && mine.count() > 1) {
      throw new AssertionError("A woken " + mine.count() + " times");
    }
    if (x.count() > 1) {
      throw new AssertionError("X woken " + x.count() + " times");
    }
    if (pending && finished && mine.count() == 0) {
      throw new AssertionError("A's wake lost");
    }
    if (xRegistered && finished && x.count() == 0) {
      throw new AssertionError("X's wake lost");
    }
    if (extra == 1 && y.count() != (finished ? 1 : 0)) {
      throw new AssertionError("Y woken " + y.count() + " times, the task finished: " + finished);
    }
    int expect = finished ? 0 : (pending ? 1 : 0) + (xRegistered ? 1 : 0) + extra;
    if (task.waiterCount() != expect) {
      throw new AssertionError("waiterCount " + task.waiterCount() + ", expected " + expect
          + " (A pending " + pending + ", X registered " + xRegistered + ", finished " + finished
          + ")");
    }
  }

  @Test
  void xAloneBefore() {
    extra = 0;
    run();
  }

  @Test
  void xAndYBefore() {
    extra = 1;
    run();
  }

  private static void run() {
    LostWakersBeforeLincheck.start();
    LinChecker.check(ForgetRaceModelCheckTest.class, DeepCheck.modelChecking(4, 300)
        .threads(3).actorsPerThread(2).actorsBefore(0).actorsAfter(0));
  }
}
