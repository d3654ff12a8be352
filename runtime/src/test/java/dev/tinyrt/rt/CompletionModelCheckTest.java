// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores a task's completion, which takes the task's lock only if a waiter ever
 * registered (JOINED, {@link Task}'s class comment), against registrations from other threads: two
 * awaiters polling its {@code JoinHandle} (awaiter A may also abandon its await at once, which
 * forgets its waker) and a {@code toCompletableFuture()}. Twice: completed by a worker of a
 * multi-threaded runtime ({@link Task#run}, its scheduler a one-task slot run by hand), and by the
 * driving thread of a current-thread runtime ({@link Task#runLocal}) while the others poll the
 * handle from their own threads. Checked once the scenario ended ({@link #check}):
 * <ul>
 *   <li>no waker is woken twice (every waker an awaiter ever polled with is counted);
 *   <li>no wake is lost: an awaiter whose last pending poll's waker was never woken, or a stage
 *       not completed, finds the task unfinished;
 *   <li>every outcome read is the published one ({@code "done"}, never the future it replaced).
 * </ul>
 *
 * <p>The awaiters poll again only once woken, as executors do; the operations return nothing,
 * since a wake lost in every run would give the same result in Lincheck's sequential runs. One
 * operation a thread, then two (stop 14: three a thread hides bugs in the interleavings it never
 * reaches).
 *
 * <p>Plants, each on a scratch copy of commit 888f8e0 ({@code mvn -B -q -o -pl runtime test
 * -Dtest=CompletionModelCheckTest}; the test's own seconds, onWorkers first, which includes
 * Lincheck's start in that JVM, then onDriver; 2 cores shared, load 7 to 12). Each failed on a
 * scenario of one operation a thread:
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>fails in</th></tr>
 *   <tr><td>the completion reads JOINED by a plain read before its CAS of COMPLETE (a waiter
 *       registered between the read and the CAS is dropped)</td><td>28 s, 18 s</td></tr>
 *   <tr><td>a registration that finds COMPLETE set once it added its waiter wakes that waiter
 *       itself, as a guard, while the completion wakes it too (woken twice)</td>
 *       <td>32 s, 6 s</td></tr>
 *   <tr><td>the completion takes the waiters without the lock when JOINED is set (it reads them
 *       before the registration that set JOINED stored its waiter)</td><td>27 s, 8 s</td></tr>
 *   <tr><td>the outcome stored after COMPLETE's CAS instead of before (an awaiter reads the
 *       future as the outcome)</td><td>15 s, 6 s</td></tr>
 *   <tr><td>{@code toCompletableFuture()} registering its stage without JOINED (checked against
 *       COMPLETE only, as before)</td><td>16 s, 7 s</td></tr>
 *   <tr><td>{@code forget} letting go of every waiter, not only its own</td>
 *       <td>30 s, 11 s</td></tr>
 *   <tr><td>none (the real code)</td><td>passes in 32 s, 19 s (15 s for both in the rt
 *       suite's JVM at load under 1)</td></tr>
 * </table>
 */
public class CompletionModelCheckTest {

  /** Which runtime completes the task; each {@code @Test} sets it before its check. */
  private static volatile boolean onDriver;

  /** The task's future: pending until the worker opens it. */
  private final TestFutures.Gate<String> gate = new TestFutures.Gate<>();

  /** The multi-threaded runtime's run queue: at most one task. Unused on a current-thread one. */
  private final AtomicReference<Task<?>> slot = new AtomicReference<>();

  /** The current-thread runtime's scheduler, run by hand; null on a multi-threaded runtime. */
  private final CurrentThreadScheduler scheduler;

  /** The task, polled once: parked on its gate. */
  private final Task<String> task;

  /** Awaiter A: may abandon its await. */
  private final Awaiter a = new Awaiter("awaiter A");

  /** Awaiter B. */
  private final Awaiter b = new Awaiter("awaiter B");

  /** The stages {@code toCompletableFuture()} gave. */
  private final List<CompletableFuture<String>> stages = new ArrayList<>();

  /** A fresh runtime and task for each scenario, the task parked on its gate. */
  public CompletionModelCheckTest() {
    AsyncRuntime runtime;
    if (onDriver) {
      runtime = AsyncRuntime.currentThread();
      scheduler = runtime.localScheduler();
    } else {
      AsyncRuntime.Builder builder = AsyncRuntime.builder().multiThread(2);
      builder.scheduler = TestFutures.oneTaskSlot(slot);
      runtime = builder.build();
      scheduler = null;
    }
    task = (Task<String>) runtime.spawn(gate);
    runTask();
  }

  /** Polls the queued task, if any, the way its runtime does. */
  private void runTask() {
    if (scheduler != null) {
      scheduler.runOne();
      return;
    }
    Task<?> t = slot.getAndSet(null);
    if (t != null) {
      t.run();
    }
  }

  @Operation(nonParallelGroup = "a")
  public void awaitA() {
    a.turn(task);
  }

  /** A's await, abandoned at once if pending (a select another branch won): forget its waker. */
  @Operation(nonParallelGroup = "a")
  public void awaitThenAbandonA() {
    a.turn(task);
    a.abandon(task);
  }

  @Operation(nonParallelGroup = "b")
  public void awaitB() {
    b.turn(task);
  }

  /** B's thread asks for a stage instead: a waiter of another kind. */
  @Operation(nonParallelGroup = "b")
  public void stageB() {
    stages.add(task.toCompletableFuture());
  }

  /** The gate opens and the runtime polls the task to its completion. */
  @Operation(nonParallelGroup = "worker")
  public void complete() {
    gate.complete("done");
    runTask();
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void check() {
    boolean finished = task.isFinished();
    a.check(finished);
    b.check(finished);
    for (CompletableFuture<String> cf : stages) {
      if (cf.isDone() != finished) {
        throw new AssertionError("a stage of toCompletableFuture() is " + (cf.isDone() ? "" : "not ")
            + "done, yet the task is " + (finished ? "" : "not ") + "finished: its completion was "
            + "lost");
      }
      if (finished && !"done".equals(cf.getNow(null))) {
        throw new AssertionError("a stage completed with " + cf.getNow(null) + ", not the outcome");
      }
    }
    if (finished && task.waiterCount() != 0) {
      throw new AssertionError("the finished task still keeps " + task.waiterCount() + " waiters");
    }
  }

  @Test
  public void onWorkers() {
    onDriver = false;
    check(/* iterations1 = */ 10, /* iterations2 = */ 8);
  }

  @Test
  public void onDriver() {
    onDriver = true;
    check(/* iterations1 = */ 10, /* iterations2 = */ 8);
  }

  private static void check(int iterations1, int iterations2) {
    LostWakersBeforeLincheck.start();
    LinChecker.check(CompletionModelCheckTest.class, DeepCheck.modelChecking(
            iterations1, /* invocationsPerIteration = */ 50)
        .threads(3)
        .actorsPerThread(1)
        // No sequential prefix or suffix: the validation runs after the last part, and a poll in
        // a suffix would find the outcome a lost wake left unannounced.
        .actorsBefore(0)
        .actorsAfter(0));
    LinChecker.check(CompletionModelCheckTest.class, DeepCheck.modelChecking(
            iterations2, /* invocationsPerIteration = */ 50)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0));
  }

  /**
   * An awaiter of the handle that behaves as an executor does: polls with a new waker each time,
   * and again only once the last one was woken. Keeps every waker it used, to count their wakes.
   * One Lincheck thread drives it.
   */
  private static final class Awaiter {

    /** Names it in messages. */
    private final String name;

    /** Every waker it polled with, in order. */
    private final List<CountingWaker> wakers = new ArrayList<>();

    /** The waker of its pending poll, or null if nothing is pending. */
    private CountingWaker pending;

    /** What a ready poll returned, or null. */
    private Object value;

    Awaiter(String name) {
      this.name = name;
    }

    /** Polls the handle, unless it finished or its pending poll's waker was never woken. */
    void turn(Task<String> handle) {
      if (value != null || pending != null && pending.count() == 0) {
        return;
      }
      CountingWaker w = new CountingWaker();
      wakers.add(w);
      Poll<String> p = handle.poll(w.context());
      if (p.isReady()) {
        value = p.get();
        pending = null;
      } else {
        pending = w;
      }
    }

    /** Stops waiting: the handle forgets the pending poll's waker. */
    void abandon(Task<String> handle) {
      if (pending != null) {
        handle.forget(pending);
        pending = null;
      }
    }

    /** Throws on a waker woken twice, a lost wake, or an outcome that is not the published one. */
    void check(boolean finished) {
      for (CountingWaker w : wakers) {
        if (w.count() > 1) {
          throw new AssertionError(name + "'s waker was woken " + w.count() + " times");
        }
      }
      if (pending != null && pending.count() == 0 && finished) {
        throw new AssertionError("lost wake-up: " + name + " waits with a waker never woken, yet "
            + "the task finished");
      }
      if (value != null && !"done".equals(value)) {
        throw new AssertionError(name + " read " + value + ", not the outcome");
      }
    }
  }
}
