// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tinyrt.Poll;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WorkStealingGiveUpRaceTest}'s race on the comparison pools, which hand a task to their
 * pool as a {@code Runnable}: the pool's thread calls {@code Task.run()} on an entry whose task a
 * shutdown took ({@code transitionToTaken}) and is unwinding. {@code run()} threw there, on the
 * pool's thread. The pool's call is made here by hand, on the same states.
 */
class ComparisonPoolGiveUpRaceTest {

  @ParameterizedTest
  @EnumSource(value = WorkerPool.class, names = {"FORK_JOIN", "SHARED_QUEUE"})
  void runSkipsAnEntryTheShutdownIsGivingUpOn(WorkerPool pool) {
    AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).workerPool(pool).build();
    try {
      AtomicInteger polls = new AtomicInteger();
      Task<Void> task = new Task<>(cx -> {
        polls.incrementAndGet();
        return Poll.pending();
      }, rt);
      // Woken (its entry would be in the pool's queue), then taken by the give-up.
      assertEquals(TaskState.Wake.SCHEDULE, task.transitionToNotified());
      assertEquals(TaskState.Take.TAKEN_NEW, task.transitionToTaken());
      task.run(); // threw IllegalStateException ("was not scheduled") before
      assertEquals(0, polls.get(), "a task being given up was polled");
    } finally {
      rt.shutdown(Duration.ofSeconds(5));
    }
  }

  @ParameterizedTest
  @EnumSource(value = WorkerPool.class, names = {"FORK_JOIN", "SHARED_QUEUE"})
  void runStillRefusesATaskNobodyScheduled(WorkerPool pool) {
    AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).workerPool(pool).build();
    try {
      AtomicInteger polls = new AtomicInteger();
      Task<Void> task = new Task<>(cx -> {
        polls.incrementAndGet();
        return Poll.pending();
      }, rt);
      IllegalStateException e = assertThrows(IllegalStateException.class, task::run);
      assertEquals(true, e.getMessage().contains("was not scheduled"), e.getMessage());
      assertEquals(0, polls.get());
    } finally {
      rt.shutdown(Duration.ofSeconds(5));
    }
  }
}
