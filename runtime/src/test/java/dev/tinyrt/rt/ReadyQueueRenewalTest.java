// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

/**
 * A current-thread runtime's ready queue does not keep the array a burst grew it to: once {@link
 * CurrentThreadScheduler#READY_RENEW_TASKS} tasks or more ran, the driver replaces the empty
 * deque by a new one when it goes idle or its drive ends; a drive that ran fewer keeps it (no
 * allocation per park).
 */
class ReadyQueueRenewalTest {

  @Test
  void aBurstOfTasksTakenInAtOnceLeavesAFreshQueueBehind() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      CurrentThreadScheduler scheduler = rt.localScheduler();
      ArrayDeque<Task<?>> before = scheduler.readyQueue();
      int n = 2 * CurrentThreadScheduler.READY_RENEW_TASKS;
      for (int i = 0; i < n; i++) {
        rt.spawn(Future.ready(i)); // from outside: all taken into the ready queue at once
      }
      assertEquals(0, rt.blockOn(rt.spawn(Future.ready(0))));
      assertEquals(0, rt.liveTasks());
      ArrayDeque<Task<?>> after = scheduler.readyQueue();
      assertNotSame(before, after, "the deque that held " + n + " tasks was replaced");
      assertTrue(after.isEmpty());
    }
  }

  @Test
  void aDriveThatRanFewTasksKeepsItsQueue() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      CurrentThreadScheduler scheduler = rt.localScheduler();
      ArrayDeque<Task<?>> before = scheduler.readyQueue();
      for (int i = 0; i < 100; i++) {
        rt.spawn(Future.ready(i));
      }
      assertEquals(0, rt.blockOn(rt.spawn(Future.ready(0))));
      assertSame(before, scheduler.readyQueue(), "no new deque for a drive of 101 tasks");
    }
  }
}
