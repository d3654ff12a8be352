// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.time.Duration;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the interleavings of two tasks, each polling and dropping its own sleep, with
 * a third thread that advances the manual clock once, past both deadlines (the clock fires due
 * sleeps on the advancing thread). A poll is never ready before the deadline; a drop must leave
 * the heap before it returns; and at the end of every run (where Lincheck 2.39 calls {@link
 * Validate}): a sleep left pending whose deadline passed was woken (no lost wake-up: the clock
 * moves only once, so no later firing hides one), no waker was woken twice or early, and the heap
 * holds exactly the sleeps still waiting.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too, so a result saying "pending" would match
 * them; everything is judged in {@link #timerStateIsExact}.
 *
 * <p>Planted in a detached worktree: an add that forgets to fire a sleep whose deadline the clock
 * passed while it was being polled (a lost wake-up) fails this check; with two operations a
 * thread, 5 x 300 interleavings did not reach it. Earlier, a drop that forgets to leave the heap
 * failed it too.
 */
public class TimerModelCheckTest {

  /** Task a's sleep is due after one step, task b's after two; the clock moves three at once. */
  private static final Duration STEP = Duration.ofMillis(10);

  private final ManualClock clock = new ManualClock();
  private final Timer timer = Timer.manual(clock);

  /** Task a's sleep (due after one step) and task b's (after two), with their wakers. */
  private final Sleep[] sleeps = {
      (Sleep) timer.sleep(STEP), (Sleep) timer.sleep(STEP.multipliedBy(2))};

  /** Each task's waker, counting its wakes. */
  private final CountingWaker[] wakers = {new CountingWaker(), new CountingWaker()};

  /** What each task's last poll saw: 0 none, 1 pending, 2 ready (written by that task only). */
  private final int[] lastPoll = new int[2];

  /** Whether each task dropped its sleep (written by that task only). */
  private final boolean[] dropped = new boolean[2];

  /** Set if a sleep was still in the heap when its drop returned. */
  private volatile boolean droppedButInHeap;

  /** Set if a poll was ready while the clock had not reached the sleep's deadline. */
  private volatile boolean readyEarly;

  /** Whether the clock moved (written by the clock's thread only). */
  private boolean advanced;

  /** Each task's wake count when it last polled (written by that task only). */
  private final int[] wakesSeen = new int[2];

  /**
   * A task polls its sleep as an executor would: once, then again only after a wake. A task that
   * polled again unprompted would find the sleep due and hide a lost wake-up.
   */
  private void poll(int task) {
    if (dropped[task] || lastPoll[task] == 2) {
      return; // dropped, or finished: never polled again
    }
    int wakes = wakers[task].count();
    if (lastPoll[task] == 1 && wakes == wakesSeen[task]) {
      return; // parked: nobody woke it
    }
    wakesSeen[task] = wakes;
    Poll<Void> p = sleeps[task].poll(Context.from(wakers[task]));
    lastPoll[task] = p.isPending() ? 1 : 2;
    // The clock only moves forward: read after the poll, it is at least what the poll read.
    if (p.isReady() && clock.nanoTime() - sleeps[task].deadline < 0) {
      readyEarly = true;
    }
  }

  private void drop(int task) {
    if (!dropped[task]) {
      dropped[task] = true; // dropped at most once, and never polled after
      sleeps[task].drop();
      // Nothing puts a sleep back in the heap once it left: this read cannot race to a false alarm.
      if (sleeps[task].heapIndex >= 0) {
        droppedButInHeap = true;
      }
    }
  }

  /** Task a's first poll, racing the clock. */
  @Operation(nonParallelGroup = "a")
  public void pollA() {
    poll(0);
  }

  /** Task a polls, then drops its sleep (pending or not) while the clock may fire it. */
  @Operation(nonParallelGroup = "a")
  public void pollThenDropA() {
    poll(0);
    drop(0);
  }

  @Operation(nonParallelGroup = "b")
  public void pollB() {
    poll(1);
  }

  @Operation(nonParallelGroup = "b")
  public void pollThenDropB() {
    poll(1);
    drop(1);
  }

  /** The clock's thread: moves past both deadlines, once (a later advance would hide a lost one). */
  @Operation(nonParallelGroup = "clock")
  public void advance() {
    if (!advanced) {
      advanced = true;
      clock.advance(STEP.multipliedBy(3));
    }
  }

  /** Checked by Lincheck after each part of a scenario, when no operation runs. */
  @Validate
  public void timerStateIsExact() {
    if (droppedButInHeap) {
      throw new IllegalStateException("a dropped sleep was still in the heap after its drop");
    }
    if (readyEarly) {
      throw new IllegalStateException("a sleep was ready before the clock reached its deadline");
    }
    int waiting = 0;
    for (int t = 0; t < 2; t++) {
      boolean due = clock.nanoTime() - sleeps[t].deadline >= 0;
      int wakes = wakers[t].count();
      boolean stillWaiting = lastPoll[t] == 1 && !dropped[t] && !due;
      if (lastPoll[t] == 1 && !dropped[t] && due && wakes == 0) {
        throw new IllegalStateException("lost wake-up of task " + t);
      }
      if (wakes > 1) {
        throw new IllegalStateException("task " + t + " woken " + wakes + " times");
      }
      if (wakes > 0 && !due) {
        throw new IllegalStateException("task " + t + " woken before its deadline");
      }
      if (stillWaiting != (sleeps[t].heapIndex >= 0)) {
        throw new IllegalStateException("task " + t + "'s sleep is " + (stillWaiting ? "not " : "")
            + "in the heap (last poll " + lastPoll[t] + ", dropped " + dropped[t] + ", due " + due
            + ")");
      }
      waiting += stillWaiting ? 1 : 0;
    }
    if (timer.pending() != waiting) {
      throw new IllegalStateException(
          "pending() is " + timer.pending() + ", " + waiting + " sleeps wait");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(TimerModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 5, /* invocationsPerIteration = */ 50)
        .threads(3)
        // One operation a thread: each is a task's whole life (poll, or poll then drop) or the
        // clock's one advance. With two, the scenarios' own reads gave the model checker so many
        // places to switch that 5 x 300 never reached the one inside a poll, between its reading
        // the clock and joining the heap, that a lost wake-up needs.
        .actorsPerThread(1)
        // No sequential prefix or suffix: the polls and the advance race in every scenario.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
