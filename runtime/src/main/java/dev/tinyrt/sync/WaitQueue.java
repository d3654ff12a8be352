// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;

/**
 * The one waiter queue under every waiting primitive of this package (semaphore, mutex, notify,
 * both sides of mpsc, broadcast and watch receivers): fair (first in, first granted), cancellable
 * in O(1) (an intrusive doubly linked list of the waiting futures themselves, see {@link
 * WaitNode}), and allocation-free to join or leave.
 *
 * <p>Not thread-safe: every method runs under the lock of the primitive that owns the queue. Wakers
 * are handed back to the caller, which wakes them after releasing its lock, so a waker never runs
 * under a primitive's lock.
 *
 * <p>The abandonment path is the same for every primitive: {@link #abandon} takes the node out
 * (whatever its state), clears its waker and returns what it was granted; the primitive then
 * passes that grant on (a permit, a slot, a notification, a value) under the same lock.
 */
final class WaitQueue {

  /** The longest-waiting node, or null. */
  private WaitNode head;

  /** The most recent node, or null. */
  private WaitNode tail;

  /** How many nodes are queued. */
  private int size;

  /** @return whether nobody waits */
  boolean isEmpty() {
    return head == null;
  }

  /** @return how many nodes wait */
  int size() {
    return size;
  }

  /** @return the longest-waiting node, or null */
  WaitNode peekFirst() {
    return head;
  }

  /**
   * Parks {@code node} with {@code waker}: joins the tail if not queued yet, else only replaces
   * its waker (a re-poll keeps its place).
   *
   * @param node an {@link WaitNode#IDLE} or {@link WaitNode#QUEUED} node
   * @param waker the waker of the pending poll
   */
  void park(WaitNode node, Waker waker) {
    node.waker = waker;
    if (node.state == WaitNode.QUEUED) {
      return;
    }
    node.state = WaitNode.QUEUED;
    node.prev = tail;
    node.next = null;
    if (tail == null) {
      head = node;
    } else {
      tail.next = node;
    }
    tail = node;
    size++;
  }

  /**
   * Takes the first node out and gives it {@code grant}.
   *
   * @param grant the primitive's code for what it grants, not 0
   * @return the waker to wake once the lock is released, or null if nobody waits
   */
  Waker grantFirst(int grant) {
    WaitNode node = head;
    if (node == null) {
      return null;
    }
    return grant(node, grant);
  }

  /**
   * Takes {@code node}, which must be queued, out and gives it {@code grant}.
   *
   * @param node a {@link WaitNode#QUEUED} node
   * @param grant the primitive's code for what it grants, not 0
   * @return the node's waker, to wake once the lock is released
   */
  Waker grant(WaitNode node, int grant) {
    unlink(node);
    node.state = WaitNode.GRANTED;
    node.grant = grant;
    Waker w = node.waker;
    node.waker = null;
    return w;
  }

  /**
   * Takes every node out, giving each {@code grant}, and collects their wakers.
   *
   * @param grant the primitive's code for what it grants, not 0
   * @param wake where the wakers go, to wake once the lock is released
   */
  void grantAll(int grant, WakeList wake) {
    WaitNode node = head;
    head = null;
    tail = null;
    size = 0;
    while (node != null) {
      WaitNode next = node.next;
      node.prev = null;
      node.next = null;
      node.state = WaitNode.GRANTED;
      node.grant = grant;
      wake.add(node.waker);
      node.waker = null;
      node = next;
    }
  }

  /**
   * Abandons {@code node}: takes it out if queued, drops its waker, marks it {@link
   * WaitNode#DONE}, and returns what it was granted and had not consumed, for the caller to pass
   * on. Idempotent: a second call returns 0.
   *
   * @param node any node of this queue's primitive
   * @return the unconsumed grant, or 0
   */
  int abandon(WaitNode node) {
    int granted = 0;
    if (node.state == WaitNode.QUEUED) {
      unlink(node);
    } else if (node.state == WaitNode.GRANTED) {
      granted = node.grant;
    }
    node.waker = null;
    node.grant = 0;
    node.state = WaitNode.DONE;
    return granted;
  }

  /** Unlinks a queued node in O(1). */
  private void unlink(WaitNode node) {
    WaitNode prev = node.prev;
    WaitNode next = node.next;
    if (prev == null) {
      head = next;
    } else {
      prev.next = next;
    }
    if (next == null) {
      tail = prev;
    } else {
      next.prev = prev;
    }
    node.prev = null;
    node.next = null;
    size--;
  }
}
