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
 * Lincheck explores the narrowest race of a task's waiters ({@link Task}'s class comment): one
 * registration against the completion that takes the waiters, two threads and nothing else, so
 * that the model checker's few hundred interleavings reach the two-switch ones. The registration
 * sets JOINED, then publishes its waker by a CAS of the waiters; the completion sets COMPLETE,
 * then swaps the waiters for TAKEN. A swap written as a read and a write (not a CAS) drops a waker
 * that the registration's CAS published between them; {@link CompletionModelCheckTest}, with three
 * threads and a whole runtime's steps, did not reach that interleaving in its budget (30 s at six
 * times its batch). Three times: with no waiter before (the waiters go null → the waker), with
 * another waiter already registered (they go waiter → {@link JoinWaiters}, and the completion
 * closes it), and with two (A adds itself to the {@link JoinWaiters} the completion closes).
 * A's thread may also forget its waker at once (an abandoned await); {@link
 * ForgetRaceModelCheckTest} forgets on another thread.
 *
 * <p>Checked once the scenario ended ({@link #check}): A's waker is woken at most once, and not
 * lost (a pending poll whose waker was never woken finds the task unfinished); the other waiter
 * are woken once each if the task finished, else not at all.
 *
 * <p>Plants, in the working tree of this test's commit ({@code mvn -B -q -o -pl runtime test
 * -Dtest=WaiterTakeModelCheckTest}; each test's seconds, the first including Lincheck's start; 2
 * cores):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>result</th></tr>
 *   <tr><td>the completion's swap as a read of the waiters, then a write of TAKEN</td>
 *       <td>caught with no waiter before (9.5 s) and with one (4.6 s); with two the field stays
 *       the JoinWaiters, and the plant is no bug there</td></tr>
 *   <tr><td>{@code JoinWaiters.add} on a closed one says the waiter is registered</td>
 *       <td>caught with two waiters before (3.8 s)</td></tr>
 *   <tr><td>a registration that does not set JOINED first</td>
 *       <td>caught with no waiter before (6.9 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes: 8.0 s, 4.0 s, 3.4 s</td></tr>
 * </table>
 */
public class WaiterTakeModelCheckTest {

  /** How many other waiters registered before the scenario (0 to 2); each {@code @Test} sets it. */
  private static volatile int waitersFirst;

  /** The task's future: pending until the worker opens it. */
  private final TestFutures.Gate<String> gate = new TestFutures.Gate<>();

  /** The multi-threaded runtime's run queue: at most one task, run by hand. */
  private final AtomicReference<Task<?>> slot = new AtomicReference<>();

  /** The task, polled once: parked on its gate. */
  private final Task<String> task;

  /** The waiters registered before the scenario. */
  private final CountingWaker[] others;

  /** A's waker, once it polled. */
  private CountingWaker mine;

  /** Whether A's poll was pending (and A did not abandon it). */
  private boolean pending;

  /** Whether the worker completed the task (a second complete does nothing). */
  private boolean completed;

  /** A fresh runtime and task for each scenario, the task parked on its gate. */
  public WaiterTakeModelCheckTest() {
    AsyncRuntime.Builder builder = AsyncRuntime.builder().multiThread(2);
    builder.scheduler = TestFutures.oneTaskSlot(slot);
    AsyncRuntime runtime = builder.build();
    task = (Task<String>) runtime.spawn(gate);
    runTask();
    others = new CountingWaker[waitersFirst];
    for (int i = 0; i < others.length; i++) {
      others[i] = new CountingWaker();
      if (!task.poll(others[i].context()).isPending()) {
        throw new AssertionError("the parked task was ready");
      }
    }
  }

  private void runTask() {
    Task<?> t = slot.getAndSet(null);
    if (t != null) {
      t.run();
    }
  }

  @Operation(nonParallelGroup = "a")
  public void await() {
    if (mine != null) {
      return;
    }
    mine = new CountingWaker();
    Poll<String> p = task.poll(mine.context());
    if (p.isReady() && !"done".equals(p.get())) {
      throw new AssertionError("read " + p.get() + ", not the outcome");
    }
    pending = p.isPending();
  }

  @Operation(nonParallelGroup = "a")
  public void abandon() {
    if (pending) {
      task.forget(mine);
      pending = false;
    }
  }

  @Operation(nonParallelGroup = "worker")
  public void complete() {
    if (completed) {
      return;
    }
    completed = true;
    gate.complete("done");
    runTask();
  }

  @Validate
  public void check() {
    boolean finished = task.isFinished();
    if (mine != null && mine.count() > 1) {
      throw new AssertionError("A's waker was woken " + mine.count() + " times");
    }
    if (pending && finished && mine.count() == 0) {
      throw new AssertionError("lost wake-up: A waits with a waker never woken, yet the task "
          + "finished");
    }
    for (CountingWaker other : others) {
      if (other.count() != (finished ? 1 : 0)) {
        throw new AssertionError("a waiter registered first was woken " + other.count()
            + " times, the task " + (finished ? "" : "not ") + "finished");
      }
    }
    if (finished && task.waiterCount() != 0) {
      throw new AssertionError("the finished task still keeps " + task.waiterCount() + " waiters");
    }
  }

  @Test
  public void aloneAgainstTheCompletion() {
    waitersFirst = 0;
    runModelCheck();
  }

  @Test
  public void joiningAnotherWaiterAgainstTheCompletion() {
    waitersFirst = 1;
    runModelCheck();
  }

  @Test
  public void joiningTwoWaitersAgainstTheCompletion() {
    waitersFirst = 2;
    runModelCheck();
  }

  private static void runModelCheck() {
    LostWakersBeforeLincheck.start();
    LinChecker.check(WaiterTakeModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 4, /* invocationsPerIteration = */ 300)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
