// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores a current-thread runtime's two wake paths at once ({@link TaskState}'s class
 * comment): wakes from the driving thread, which change the task's local word with plain writes,
 * racing wakes, an abort and a completion from two other threads, which change its shared word
 * atomically and push it on the incoming queue.
 *
 * <p>Two tasks. A polled {@code a} wakes {@code b} from the driving thread (the ping-pong case),
 * twice at most; it completes once another thread opened its gate and woke it. A polled {@code b}
 * wakes itself (a yield), twice at most. Both start on the incoming queue (spawned from outside).
 * The driver takes one step at a time ({@link CurrentThreadScheduler#runOne}, which claims the
 * runtime for the step), or, as {@code blockOn} does after a poll of its main future, wakes {@code
 * a} from its own thread, takes in the outside wakes, then takes a step. Other threads wake {@code
 * a}, open its gate and wake it, or abort {@code b} (which wakes it). At the end the driver runs
 * everything still queued, then: each task that is not finished was polled after the last wake of
 * it began (no wake lost, whichever path it took); an aborted {@code b} finished, cancelled; {@code
 * a} completed at most once and was never polled after; no two polls overlapped.
 *
 * <p>Planted when it was written (commit 4209f97, detached worktree): {@code takeFromIncoming}
 * dropping a task that already has a ready entry without clearing SCHEDULED, so later outside
 * wakes find it set and push nothing, fails it (blockOnRound, then completeA on another thread:
 * "lost wake-up: task a"). Stop 14, detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=LocalWakeModelCheckTest}, load ~10): a wake from the driving thread during the task's
 * own poll that is dropped ({@code localWake} not setting LOCAL_NOTIFIED) fails it in 27 s ("lost
 * wake-up: task b").
 */
public class LocalWakeModelCheckTest {

  /** A runtime with no thread of its own: the driver group's thread drives it step by step. */
  private final AsyncRuntime runtime = AsyncRuntime.currentThread();

  private final CurrentThreadScheduler scheduler = runtime.localScheduler();

  /** Orders wake starts and poll starts. */
  private final AtomicLong clock = new AtomicLong();

  /** Wakes begun and not yet returned, from any thread. */
  private final AtomicInteger inflight = new AtomicInteger();

  /** Polls in progress: more than one at a time is a double run. */
  private final AtomicInteger polling = new AtomicInteger();

  /** When the last wake of each task began: a, b. */
  private final long[] lastWakeStart = {-1, -1};

  /** When the last poll of each task began: a, b. */
  private final long[] lastPollStart = {-1, -1};

  /** What went wrong inside a poll (a task's poll swallows what it throws), or null. */
  private volatile String broken;

  /** Opened by {@link #completeA}: a's next poll returns ready. */
  private volatile boolean gateA;

  /** Set once a's poll returned ready: a poll after that is a run of a finished task. */
  private volatile boolean aReturnedReady;

  /** How many more times a's poll wakes b. Driver only. */
  private int aWakesB = 2;

  /** How many more times b's poll wakes b itself. Driver only. */
  private int bWakesItself = 2;

  /** Whether {@link #abortB} ran. */
  private volatile boolean bAborted;

  private final Task<String> a;

  private final Task<Void> b;

  /** A fresh runtime and its two tasks for each scenario. */
  public LocalWakeModelCheckTest() {
    a = (Task<String>) runtime.spawn(new Future<String>() {
      @Override
      public Poll<String> poll(Context cx) {
        polled(0);
        try {
          if (aReturnedReady) {
            broken = "a was polled after it returned ready";
          }
          if (aWakesB > 0) {
            aWakesB--;
            wake(1);
          }
          if (gateA) {
            aReturnedReady = true;
            return Poll.ready("a");
          }
          return Poll.pending();
        } finally {
          polling.decrementAndGet();
        }
      }
    });
    b = (Task<Void>) runtime.spawn(new Future<Void>() {
      @Override
      public Poll<Void> poll(Context cx) {
        polled(1);
        try {
          if (bWakesItself > 0) {
            bWakesItself--;
            wake(1);
          }
          return Poll.pending();
        } finally {
          polling.decrementAndGet();
        }
      }
    });
    // Spawned from this thread, which does not drive the runtime: both wait on the incoming
    // queue, as tasks spawned from outside do.
  }

  private void polled(int task) {
    if (polling.incrementAndGet() != 1) {
      broken = "two polls at once";
    }
    lastPollStart[task] = clock.incrementAndGet();
  }

  private Task<?> task(int i) {
    return i == 0 ? a : b;
  }

  /** Wakes task {@code i} from the calling thread, recording when the wake began. */
  private void wake(int i) {
    inflight.incrementAndGet();
    lastWakeStart[i] = clock.incrementAndGet();
    task(i).wake();
    inflight.decrementAndGet();
  }

  /** One step of the driver: takes in the outside wakes if it is time, runs one task. */
  @Operation(nonParallelGroup = "driver")
  public void step() {
    scheduler.runOne();
  }

  /**
   * A round of {@code blockOn}'s loop after a poll of its main future: a wake from the driving
   * thread outside any task's poll (of a), then it takes in the outside wakes ({@link
   * CurrentThreadScheduler#takeReady}), whatever is queued already, and runs one task.
   */
  @Operation(nonParallelGroup = "driver")
  public void blockOnRound() {
    scheduler.claim("the model check", "n/a");
    try {
      wake(0);
      scheduler.takeReady();
    } finally {
      scheduler.release();
    }
    scheduler.runOne();
  }

  /** A wake of a from another thread (a timer, a send from a thread of its own). */
  @Operation
  public void wakeA() {
    wake(0);
  }

  /** Opens a's gate and wakes it, from another thread: its next poll completes it. */
  @Operation
  public void completeA() {
    gateA = true;
    wake(0);
  }

  /** Aborts b from another thread (abort wakes it). */
  @Operation
  public void abortB() {
    bAborted = true;
    inflight.incrementAndGet();
    lastWakeStart[1] = clock.incrementAndGet();
    b.abort();
    inflight.decrementAndGet();
  }

  @Validate
  public void noWakeLostAndEveryTaskEndsOnce() {
    if (inflight.get() != 0) {
      throw new AssertionError("a wake did not return");
    }
    // Whatever is queued runs now (a and b wake each other a bounded number of times).
    int steps = 0;
    while (scheduler.runOne()) {
      if (++steps > 100) {
        throw new AssertionError("the tasks never stop being queued");
      }
    }
    if (broken != null) {
      throw new AssertionError(broken);
    }
    for (int i = 0; i < 2; i++) {
      Task<?> t = task(i);
      if (!t.isFinished() && lastPollStart[i] < lastWakeStart[i]) {
        throw new AssertionError("lost wake-up: task " + (i == 0 ? "a" : "b") + " was woken at "
            + lastWakeStart[i] + ", last polled at " + lastPollStart[i] + ", and is not queued");
      }
    }
    if (gateA && !a.isFinished()) {
      throw new AssertionError("a's gate is open and a was woken, but a did not finish");
    }
    if (a.isFinished() && !aReturnedReady) {
      throw new AssertionError("a finished without its poll returning ready");
    }
    if (bAborted && !(b.isFinished() && b.isCancelled())) {
      throw new AssertionError("b was aborted but did not finish cancelled");
    }
    if (!scheduler.isEmpty()) {
      throw new AssertionError("a task is still queued after the driver ran everything");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(LocalWakeModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 20, /* invocationsPerIteration = */ 40)
        .threads(3)
        .actorsBefore(0)
        .actorsAfter(0)
        .actorsPerThread(2));
  }
}
