// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A current-thread runtime's driver takes the outside wakes into its ready queue up to {@link
 * CurrentThreadScheduler#INCOMING_BATCH} at a time, not all at once: a burst of outside wakes does
 * not grow the ready queue past a batch (it grew to megabytes, humongous arrays for G1, when one
 * thread completed a million prices), and the tasks still run in the order they were woken.
 */
class IncomingBatchTest {

  @Test
  void aBurstOfOutsideWakesIsTakenInABatchAtATimeInOrder() {
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      CurrentThreadScheduler scheduler = rt.localScheduler();
      int n = 5 * CurrentThreadScheduler.INCOMING_BATCH + 7;
      List<Integer> ran = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int me = i;
        rt.spawn(cx -> { // from outside (no thread drives it now): the incoming queue
          ran.add(me);
          return Poll.ready(me);
        });
      }
      assertTrue(scheduler.runOne());
      assertEquals(CurrentThreadScheduler.INCOMING_BATCH - 1, scheduler.readyQueue().size(),
          "one batch taken in, one of it run");
      int most = 0;
      while (scheduler.runOne()) {
        most = Math.max(most, scheduler.readyQueue().size());
      }
      assertTrue(most <= CurrentThreadScheduler.INCOMING_BATCH, "ready held " + most);
      assertEquals(n, ran.size());
      for (int i = 0; i < n; i++) {
        assertEquals(i, ran.get(i), "woken order");
      }
      assertEquals(0, rt.blockOn(rt.spawn(Future.ready(0))));
    }
  }
}
