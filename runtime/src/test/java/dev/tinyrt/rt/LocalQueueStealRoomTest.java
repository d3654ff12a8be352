// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalQueue#stealInto} into a queue that is not empty (a busy worker taking from a stalled
 * one, {@code Worker#stealFromStalled}): it moves no more than the thief's queue has room for,
 * overwrites none of the thief's own entries, and keeps the order. One thread: the concurrent
 * steal is {@link RunQueueModelCheckTest}'s.
 */
class LocalQueueStealRoomTest {

  /** @return a queue of {@code capacity} slots holding {@code values}, its ring wrapped once */
  private static LocalQueue<Integer> queueOf(int capacity, int... values) {
    LocalQueue<Integer> q = new LocalQueue<>(capacity);
    for (int i = 0; i < capacity - 1; i++) {
      q.push(-1);
      q.pop();
    }
    for (int v : values) {
      assertTrue(q.push(v));
    }
    return q;
  }

  private static List<Integer> drain(LocalQueue<Integer> q) {
    List<Integer> out = new ArrayList<>();
    for (Integer v; (v = q.pop()) != null; ) {
      out.add(v);
    }
    return out;
  }

  @Test
  void aStealIntoAQueueWithRoomForOneMovesOneAndReturnsOne() {
    LocalQueue<Integer> victim = queueOf(8, 1, 2, 3, 4, 5, 6);
    LocalQueue<Integer> mine = queueOf(4, 100, 101, 102);
    assertEquals(1, victim.stealInto(mine));
    assertEquals(List.of(100, 101, 102, 2), drain(mine));
    assertEquals(List.of(3, 4, 5, 6), drain(victim));
  }

  @Test
  void aStealIntoAFullQueueOnlyReturnsTheOldest() {
    LocalQueue<Integer> victim = queueOf(8, 1, 2, 3, 4);
    LocalQueue<Integer> mine = queueOf(2, 100, 101);
    assertFalse(mine.push(102));
    assertEquals(1, victim.stealInto(mine));
    assertEquals(List.of(100, 101), drain(mine));
    assertEquals(List.of(2, 3, 4), drain(victim));
  }

  @Test
  void aStealIntoAQueueWithRoomTakesHalfBehindItsOwnEntries() {
    LocalQueue<Integer> victim = queueOf(8, 1, 2, 3, 4, 5, 6, 7, 8);
    LocalQueue<Integer> mine = queueOf(8, 100);
    assertEquals(1, victim.stealInto(mine));
    assertEquals(List.of(100, 2, 3, 4), drain(mine));
    assertEquals(List.of(5, 6, 7, 8), drain(victim));
    assertNull(victim.stealInto(mine));
  }
}
