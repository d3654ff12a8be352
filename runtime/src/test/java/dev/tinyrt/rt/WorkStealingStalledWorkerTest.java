// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import org.junit.jupiter.api.Test;

/**
 * A busy worker takes the tasks queued on a worker that runs nothing (a long poll, or a thread
 * without a core), and leaves alone those of a worker that goes on running. Stepped by hand on a
 * scheduler whose threads are not started: the "busy" worker always has a task of its own, so it
 * never searches, and before {@code Worker#stealFromStalled} the stalled worker's task waited
 * for that worker however long the busy one ran.
 */
class WorkStealingStalledWorkerTest {

  private final AsyncRuntime owner = AsyncRuntime.currentThread();
  private final WorkStealingScheduler scheduler =
      new WorkStealingScheduler(owner, 2, "stalled-test", 1 << 20, /* start = */ false);
  private final Worker stalled = scheduler.workers[0];
  private final Worker busy = scheduler.workers[1];

  private Task<Void> newTask() {
    return new Task<>(cx -> Poll.pending(), owner);
  }

  /** Two looks at the stalled worker, one every GLOBAL_QUEUE_INTERVAL tasks, and some slack. */
  private static final int LOOKS_BOUND = 3 * Worker.GLOBAL_QUEUE_INTERVAL;

  @Test
  void aBusyWorkerRunsATaskQueuedOnAWorkerThatRanNothingSinceItsLastLook() {
    Task<Void> waiting = newTask();
    Task<Void> alsoWaiting = newTask();
    stalled.pushLocal(waiting);
    stalled.pushLocal(alsoWaiting);
    Task<Void> own = newTask();
    int ran = 0;
    Task<?> task;
    do {
      busy.pushLocal(own); // it yields: its own task is always ready again
      task = busy.findTask();
      ran++;
    } while (task == own && ran < LOOKS_BOUND);
    assertSame(waiting, task, "after " + ran + " tasks the busy worker still had not taken it");
    // Half the stalled worker's queue (rounded up) came here: the task run now and nothing else.
    assertSame(alsoWaiting, stalled.findTask());
    assertEquals(0, scheduler.idle.searching(), "neither worker searched");
  }

  @Test
  void aWorkerThatKeepsRunningKeepsItsQueue() {
    stalled.pushLocal(newTask());
    Task<Void> own = newTask();
    for (int i = 0; i < 4 * LOOKS_BOUND; i++) {
      // The other worker runs one task, and another is queued there, between any two looks.
      stalled.pushLocal(newTask());
      assertTrue(stalled.findTask() != null);
      busy.pushLocal(own);
      assertSame(own, busy.findTask(), "took a task from a worker that was running");
    }
  }
}
