// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import org.junit.jupiter.api.Test;

class WaitQueueTest {

  /** A bare node. */
  static final class Node extends WaitNode {}

  final WaitQueue queue = new WaitQueue();
  final CountingWaker a = new CountingWaker();
  final CountingWaker b = new CountingWaker();
  final CountingWaker c = new CountingWaker();

  @Test
  void grantsInArrivalOrderAndARepollKeepsItsPlaceWithItsNewWaker() {
    Node first = new Node();
    Node second = new Node();
    queue.park(first, a);
    queue.park(second, b);
    queue.park(first, c); // re-poll with another waker
    assertEquals(2, queue.size());
    assertSame(c, queue.grantFirst(7));
    assertTrue(first.isGranted());
    assertEquals(7, first.grant);
    assertNull(first.waker, "a granted node holds no waker");
    assertSame(b, queue.grantFirst(7));
    assertNull(queue.grantFirst(7), "nobody left");
    assertTrue(queue.isEmpty());
  }

  @Test
  void abandoningAnyNodeUnlinksItAndKeepsTheOthersInOrder() {
    Node[] nodes = new Node[5];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node();
      queue.park(nodes[i], new CountingWaker());
    }
    assertEquals(0, queue.abandon(nodes[2]), "middle");
    assertEquals(0, queue.abandon(nodes[0]), "head");
    assertEquals(0, queue.abandon(nodes[4]), "tail");
    assertEquals(0, queue.abandon(nodes[4]), "a second abandon does nothing");
    assertEquals(2, queue.size());
    assertNull(nodes[2].waker);
    assertTrue(nodes[2].isDone());
    assertSame(nodes[1], queue.peekFirst());
    queue.grantFirst(1);
    assertSame(nodes[3], queue.peekFirst());
    queue.grantFirst(1);
    assertTrue(queue.isEmpty());
  }

  @Test
  void abandoningAGrantedNodeReturnsItsGrantOnce() {
    Node n = new Node();
    queue.park(n, a);
    queue.grantFirst(3);
    assertEquals(3, queue.abandon(n), "to be passed on by the primitive");
    assertEquals(0, queue.abandon(n));
    Node consumed = new Node();
    queue.park(consumed, a);
    queue.grantFirst(3);
    assertEquals(3, consumed.consumeGrant());
    assertEquals(0, queue.abandon(consumed), "a consumed grant is not passed on");
  }

  @Test
  void grantAllEmptiesTheQueueAndCollectsEveryWakerInOrder() {
    Node[] nodes = new Node[6];
    CountingWaker[] wakers = new CountingWaker[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = new Node();
      wakers[i] = new CountingWaker();
      queue.park(nodes[i], wakers[i]);
    }
    WakeList wake = new WakeList();
    queue.grantAll(2, wake);
    assertTrue(queue.isEmpty());
    assertEquals(0, queue.size());
    for (Node n : nodes) {
      assertTrue(n.isGranted());
      assertNull(n.waker);
    }
    wake.wakeAll();
    for (CountingWaker w : wakers) {
      assertEquals(1, w.count());
    }
    // The queue is usable again.
    Node later = new Node();
    queue.park(later, a);
    assertSame(later, queue.peekFirst());
  }
}
