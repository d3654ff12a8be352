// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Poll;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The outside-wake queue lets go of the tasks the driver took: a cache line behind the next slot
 * while producers push (never the line a producer writes next), and all of them once a drain finds
 * the queue empty, or before the driver parks ({@code ManyJoinersAbandonTest} counts what stays
 * reachable). One thread: the concurrent queue is {@link IncomingQueueModelCheckTest}'s.
 */
class IncomingQueueClearTest {

  private final AsyncRuntime owner = AsyncRuntime.currentThread();
  private final IncomingQueue queue = new IncomingQueue();
  private final List<Task<?>> taken = new ArrayList<>();

  private void push(int n) {
    for (int i = 0; i < n; i++) {
      queue.push(new Task<>(cx -> Poll.pending(), owner));
    }
  }

  @Test
  void theDriverLetsGoOfTakenTasksALineBehindAndAllBeforeItParks() {
    push(100);
    assertEquals(100, queue.drainTo(taken::add));
    assertEquals(IncomingQueue.CLEAR_LAG, queue.takenStillHeld());
    push(1);
    assertEquals(1, queue.drainTo(taken::add));
    assertEquals(IncomingQueue.CLEAR_LAG, queue.takenStillHeld());
    assertTrue(queue.prepareToPark());
    assertEquals(0, queue.takenStillHeld());
    queue.parkEnded();
    assertEquals(101, taken.size());
  }

  @Test
  void aChunkLeftBehindHoldsNothingTheQueueReaches() {
    push(IncomingQueue.CHUNK + 10);
    assertEquals(IncomingQueue.CHUNK + 10, queue.drainTo(taken::add));
    // The head is the second chunk now: 10 taken, fewer than the lag, none cleared yet.
    assertEquals(10, queue.takenStillHeld());
    assertTrue(queue.prepareToPark());
    assertEquals(0, queue.takenStillHeld());
    queue.parkEnded();
  }

  @Test
  void aDrainThatFindsTheQueueEmptyLetsGoOfEverythingTaken() {
    push(100);
    assertEquals(100, queue.drainTo(taken::add));
    assertEquals(IncomingQueue.CLEAR_LAG, queue.takenStillHeld());
    assertEquals(0, queue.drainTo(taken::add));
    assertEquals(0, queue.takenStillHeld());
  }

  @Test
  void fewerTakenThanTheLagAreClearedAtThePark() {
    push(5);
    assertEquals(5, queue.drainTo(taken::add));
    assertEquals(5, queue.takenStillHeld());
    push(1);
    assertEquals(false, queue.prepareToPark()); // a task is queued: it must drain, not park
    assertEquals(0, queue.takenStillHeld());
  }
}
