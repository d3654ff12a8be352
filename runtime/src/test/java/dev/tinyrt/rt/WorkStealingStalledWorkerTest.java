// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import org.junit.jupiter.api.Test;

/**
 * A busy worker takes the tasks queued on a worker that runs nothing (a long poll, or a thread
 * without a core), and leaves alone those of a worker that goes on running. Stepped by hand on a
 * scheduler whose threads are not started: the "busy" worker always has a task of its own, so it
 * never searches, and before {@code Worker#stealFromStalled} the stalled worker's task waited
 * for that worker however long the busy one ran; a task in the stalled worker's LIFO slot waited
 * so until that slot was read too (the two LIFO tests fail without it).
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

  /**
   * Runs the busy worker, whose own task is always ready again (it yields), until it takes
   * another task, within {@link #LOOKS_BOUND} tasks.
   *
   * @param own the busy worker's task, queued again before each look (left queued at the end)
   * @return the other task it took
   */
  private Task<?> busyUntilItTakesAnother(Task<Void> own) {
    for (int ran = 0; ran < LOOKS_BOUND; ran++) {
      busy.pushLocal(own);
      Task<?> task = busy.findTask();
      if (task != own) {
        return task;
      }
    }
    throw new AssertionError(
        "after " + LOOKS_BOUND + " tasks the busy worker still ran only its own");
  }

  @Test
  void aBusyWorkerRunsATaskQueuedOnAWorkerThatRanNothingSinceItsLastLook() {
    Task<Void> waiting = newTask();
    Task<Void> alsoWaiting = newTask();
    stalled.pushLocal(waiting);
    stalled.pushLocal(alsoWaiting);
    assertSame(waiting, busyUntilItTakesAnother(newTask()));
    // Half the stalled worker's queue (rounded up) came here: the task run now and nothing else.
    assertSame(alsoWaiting, stalled.findTask());
    assertEquals(0, scheduler.idle.searching(), "neither worker searched");
  }

  /** A task that counts its polls and stays pending; queued as a wake queues it (SCHEDULED). */
  private static final class Counted {
    int polls;
    final Task<Void> task;

    Counted(AsyncRuntime owner) {
      task = new Task<>(cx -> {
        polls++;
        return Poll.pending();
      }, owner);
    }

    /** Sets SCHEDULED, as the wake that queued it did. */
    Counted woken() {
      assertEquals(TaskState.Wake.SCHEDULE, task.transitionToNotified());
      return this;
    }
  }

  @Test
  void aBusyWorkerRunsTheTaskInTheLifoSlotOfAWorkerThatRanNothingSinceItsLastLook() {
    // The stalled worker's poll woke a task on its own thread (a message sent), then went on
    // computing: the woken task sits in its LIFO slot, its queue is empty.
    Counted message = new Counted(owner).woken();
    stalled.lifo = message.task;
    assertSame(message.task, busyUntilItTakesAnother(newTask()));
    assertTrue(message.task.runIfScheduled());
    assertEquals(1, message.polls);
    // The stalled worker goes on: its slot still names the task (only it writes the slot), and
    // that entry is skipped, since the task was not woken again.
    assertSame(message.task, stalled.findTask());
    assertFalse(message.task.runIfScheduled(), "the entry already run was run again");
    assertEquals(1, message.polls);
    assertEquals(0, scheduler.idle.searching(), "neither worker searched");
  }

  @Test
  void aLifoEntryRunByAnotherWorkerStillRunsAWakeThatCameAfter() {
    Counted message = new Counted(owner).woken();
    stalled.lifo = message.task;
    Task<Void> own = newTask();
    assertSame(message.task, busyUntilItTakesAnother(own));
    assertTrue(message.task.runIfScheduled());
    // Woken again: its new entry is queued where the waker is (here the busy worker's queue),
    // and the stalled worker's old entry is still there. Whichever runs first polls it, once.
    message.woken();
    busy.pushLocal(message.task);
    assertSame(message.task, stalled.findTask());
    assertTrue(message.task.runIfScheduled());
    // The busy worker's queue holds its own task (pushed by the last round above), then the new
    // entry, which is skipped now.
    assertSame(own, busy.findTask());
    assertSame(message.task, busy.findTask());
    assertFalse(message.task.runIfScheduled());
    assertEquals(2, message.polls, "polled once per wake");
  }

  @Test
  void aWorkerThatKeepsRunningKeepsItsLifoTask() {
    Task<Void> own = newTask();
    for (int i = 0; i < 4 * LOOKS_BOUND; i++) {
      // The other worker runs a task between any two looks, and has one in its LIFO slot.
      stalled.lifo = newTask();
      assertTrue(stalled.findTask() != null);
      stalled.lifo = newTask();
      busy.pushLocal(own);
      assertSame(own, busy.findTask(), "took the LIFO task of a worker that was running");
    }
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
