// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * A spawn from another thread racing the start of a shutdown. {@code spawn} checked that no
 * shutdown had begun, then added the task to the live list and woke it; a shutdown that began in
 * between (it sets {@code shuttingDown}, then counts the live tasks) could count none, stop the
 * workers, and leave the task live and unrun for ever (a hostile campaign saw it on a
 * one-worker work-stealing runtime, 4 rounds in 15,000, Java 17). Now the spawn looks again after
 * its add: either the shutdown counted the task, or the spawn saw the shutdown, refused, and
 * cancelled the task before its first poll. Fails on the old spawn (no second look) in a few
 * seconds.
 *
 * <p>A spawn from one of the runtime's own tasks is accepted during the graceful wait and
 * refused after it, with the same second look against the second step ({@link
 * AsyncRuntime#refuseAllTasks}, then the count the shutdown reads again).
 *
 * <p>Runs the real {@link AsyncRuntime#spawn} and the shutdown's steps ({@link
 * AsyncRuntime#refuseNewTasks}, then the count {@code awaitLive} reads, then {@link
 * AsyncRuntime#refuseAllTasks} and the count after it) on a multi-threaded runtime whose scheduler
 * only records what it is given (no thread runs a task).
 */
public class SpawnRacingShutdownModelCheckTest {

  private final List<Task<?>> scheduled = new ArrayList<>();

  private final AsyncRuntime rt = runtime(scheduled);

  private int accepted;
  private int acceptedInside;
  private int refused;
  private int countedLive = -1;
  private int countedAfterAll = -1;

  private static AsyncRuntime runtime(List<Task<?>> scheduled) {
    AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread(1);
    b.scheduler = runtime -> new Scheduler() {
      @Override
      public void schedule(Task<?> t) {
        synchronized (scheduled) {
          scheduled.add(t);
        }
      }

      @Override
      public void stop() {}
    };
    return b.build();
  }

  /** A thread of the user's spawns a task that would wait for ever. */
  @Operation(nonParallelGroup = "spawner")
  public void spawn() {
    try {
      rt.spawn(cx -> Poll.pending());
      accepted++;
    } catch (RejectedExecutionException expected) {
      refused++;
    }
  }

  /**
   * A task of the runtime spawns (its thread has the runtime current): accepted until the
   * shutdown's graceful wait ends, then refused.
   */
  @Operation(nonParallelGroup = "spawner")
  public void spawnInside() {
    AsyncRuntime previous = AsyncRuntime.enter(rt);
    try {
      rt.spawn(cx -> Poll.pending());
      acceptedInside++;
    } catch (RejectedExecutionException expected) {
      refused++;
    } finally {
      AsyncRuntime.leave(previous);
    }
  }

  /**
   * The shutdown's start: no task accepted from outside from here; then it counts what it must
   * wait for; then its graceful wait ends, and it refuses every spawn and counts again. Only the
   * first call's counts are kept: a later one (a second close) would count a task the first
   * missed, and hide the miss.
   */
  @Operation(nonParallelGroup = "shutdown")
  public void beginShutdown() {
    rt.refuseNewTasks();
    int live = rt.liveTasks();
    rt.refuseAllTasks();
    int liveAfterAll = rt.liveTasks();
    if (countedLive < 0) {
      countedLive = live;
      countedAfterAll = liveAfterAll;
    }
  }

  @Validate
  public void everyAcceptedTaskIsCountedAndEveryRefusedOneEnds() {
    // No task here ever runs, so an accepted one is live for ever: the shutdown must count it.
    if (countedLive >= 0 && countedLive < accepted) {
      throw new AssertionError("the shutdown counted " + countedLive + " live tasks while "
          + accepted + " spawns were accepted: it would stop the workers with a task never run");
    }
    if (countedAfterAll >= 0 && countedAfterAll < accepted + acceptedInside) {
      throw new AssertionError("the shutdown's second count found " + countedAfterAll + " live "
          + "tasks while " + (accepted + acceptedInside) + " spawns were accepted: it would stop "
          + "the workers with a task never run");
    }
    // A spawn refused after its add left its task in the live list: it must be on its way to its
    // end, queued with its cancellation (its first poll completes it, polling nothing). Every
    // other live task is an accepted one.
    int cancelledAndQueued = 0;
    synchronized (scheduled) {
      for (Task<?> t : scheduled) {
        if (t.isCancelRequested()) {
          cancelledAndQueued++;
        }
      }
    }
    if (rt.liveTasks() != accepted + acceptedInside + cancelledAndQueued) {
      throw new AssertionError(rt.liveTasks() + " live tasks, but " + (accepted + acceptedInside)
          + " accepted and " + cancelledAndQueued + " queued with their cancellation (" + refused
          + " refused)");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(SpawnRacingShutdownModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 100)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
