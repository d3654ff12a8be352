// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker pops the queue entry of a task that a shutdown is giving up on: the shutdown took the
 * task ({@code transitionToTaken}: SCHEDULED cleared, RUNNING set) and is unwinding it, which runs
 * its finally blocks and may take a while, with workers still running. The worker must skip the
 * entry. It called {@code Task.run()}, which refuses a task that is not scheduled by throwing, and
 * the exception ended the worker's thread (its loop catches nothing). Stepped by hand on a
 * multi-threaded runtime whose worker threads are not started.
 */
class WorkStealingGiveUpRaceTest {

  private WorkStealingScheduler scheduler;
  private final AsyncRuntime runtime = buildRuntime();
  private final Worker worker = scheduler.workers[0];

  private AsyncRuntime buildRuntime() {
    AsyncRuntime.Builder b = AsyncRuntime.builder().multiThread(2);
    b.scheduler = rt -> scheduler =
        new WorkStealingScheduler(rt, 2, "give-up-race", 1 << 20, /* start = */ false);
    return b.build();
  }

  @AfterEach
  void stop() {
    scheduler.stop();
  }

  @Test
  void aWorkerSkipsTheEntryOfATaskTheShutdownIsGivingUpOn() {
    AtomicInteger polls = new AtomicInteger();
    Task<Void> task = new Task<>(cx -> {
      polls.incrementAndGet();
      return Poll.pending();
    }, runtime);
    // Woken: SCHEDULED, and its entry in the worker's queue.
    assertEquals(TaskState.Wake.SCHEDULE, task.transitionToNotified());
    worker.pushLocal(task);
    // The shutdown's give-up takes it before the worker gets to it.
    assertEquals(TaskState.Take.TAKEN_NEW, task.transitionToTaken());
    Task<?> found = worker.findTask();
    assertSame(task, found);
    worker.runFound(found); // threw IllegalStateException ("was not scheduled") before
    assertEquals(0, polls.get(), "a task being given up was polled");
  }
}
