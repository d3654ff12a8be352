// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import org.junit.jupiter.api.Test;

/**
 * The workers' sleep and wake-up, stepped by hand on a scheduler whose threads are not started:
 * a wake-up goes to a sleeper only when no awake worker would find the work, and a woken worker
 * that finds work stops counting as searching.
 */
class WorkStealingIdleTest {

  private final AsyncRuntime owner = AsyncRuntime.currentThread();
  private final WorkStealingScheduler scheduler =
      new WorkStealingScheduler(owner, 2, "idle-test", 1 << 20, /* start = */ false);
  private final Worker w0 = scheduler.workers[0];
  private final Worker w1 = scheduler.workers[1];

  private Task<Void> newTask() {
    return new Task<>(cx -> Poll.pending(), owner);
  }

  @Test
  void workersWithNothingToDoFallAsleepAndAreWokenOneAtATime() {
    assertNull(w0.findTask());
    assertNull(w1.findTask());
    assertTrue(scheduler.idle.isAsleep(0) && scheduler.idle.isAsleep(1));
    assertEquals(0, scheduler.idle.awake());

    Task<Void> first = newTask();
    scheduler.schedule(first);
    // Exactly one sleeper is woken, counted awake and searching.
    assertEquals(1, scheduler.idle.awake());
    assertEquals(1, scheduler.idle.searching());
    Worker woken = scheduler.idle.isAsleep(0) ? w1 : w0;
    Worker sleeping = woken == w0 ? w1 : w0;

    // A second task while a worker searches wakes nobody: the searcher will see it.
    Task<Void> second = newTask();
    scheduler.schedule(second);
    assertTrue(scheduler.idle.isAsleep(sleeping.index));

    woken.wokenUp();
    assertSame(first, woken.findTask());
    // It found work (and took the second into its queue): it no longer searches, and, work being
    // left, it woke the other worker, which steals the second.
    assertFalse(woken.searching);
    assertFalse(scheduler.idle.isAsleep(sleeping.index));
    assertEquals(1, scheduler.idle.searching());
    sleeping.wokenUp();
    assertSame(second, sleeping.findTask());
    assertEquals(0, scheduler.idle.searching());
    assertEquals(2, scheduler.idle.awake());
  }

  @Test
  void theLifoSlotRunsBeforeTheLocalQueue() {
    Task<Void> a = newTask();
    Task<Void> b = newTask();
    w0.lifo = a;
    w0.pushLocal(b);
    assertSame(a, w0.findTask());
    assertSame(b, w0.findTask());
    assertNull(w0.lifo);
  }
}
