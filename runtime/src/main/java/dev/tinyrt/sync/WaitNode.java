// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;

/**
 * A waiting future's own place in a {@link WaitQueue}: the future extends this class, so joining
 * the queue allocates nothing and leaving it is O(1). Every field is guarded by the lock of the
 * primitive that owns the queue.
 *
 * <p>States, each with its invariant:
 *
 * <ul>
 *   <li>{@link #IDLE}: never parked, or woken by a grant it did not keep (a spurious wake it
 *       consumed); not in the queue, holds no waker and nothing granted.
 *   <li>{@link #QUEUED}: in the queue, holding the waker of its last pending poll.
 *   <li>{@link #GRANTED}: taken out of the queue by the primitive, which gave it {@link #grant};
 *       holds no waker (the primitive woke it). Its next poll consumes the grant; abandoned, it
 *       must pass the grant on.
 *   <li>{@link #DONE}: returned ready, failed, or was abandoned; never queued again.
 * </ul>
 */
abstract class WaitNode {

  /** Not queued, nothing granted. */
  static final byte IDLE = 0;

  /** In the queue with a waker. */
  static final byte QUEUED = 1;

  /** Out of the queue with a grant not yet consumed. */
  static final byte GRANTED = 2;

  /** Finished or abandoned. */
  static final byte DONE = 3;

  /** The node before this one in the queue, or null at the head or when not queued. */
  WaitNode prev;

  /** The node after this one in the queue, or null at the tail or when not queued. */
  WaitNode next;

  /** The waker of the last pending poll; null unless {@link #QUEUED}. */
  Waker waker;

  /** One of {@link #IDLE}, {@link #QUEUED}, {@link #GRANTED}, {@link #DONE}. */
  byte state;

  /** What the primitive granted (its own code, such as notify-one or closed); 0 if nothing. */
  int grant;

  /** @return whether this node is queued, waiting */
  final boolean isQueued() {
    return state == QUEUED;
  }

  /** @return whether this node was granted something it has not consumed */
  final boolean isGranted() {
    return state == GRANTED;
  }

  /** @return whether this node finished or was abandoned */
  final boolean isDone() {
    return state == DONE;
  }

  /**
   * Consumes the grant: the node becomes {@link #DONE}.
   *
   * @return the grant code
   */
  final int consumeGrant() {
    int g = grant;
    grant = 0;
    state = DONE;
    return g;
  }

  /**
   * Consumes a grant that was only a wake-up (broadcast, watch): the node becomes {@link #IDLE}
   * and its poll looks again, parking anew if there is still nothing for it.
   */
  final void rearm() {
    grant = 0;
    state = IDLE;
  }

  /** Marks the node finished without a grant (it took what it waited for directly). */
  final void finish() {
    grant = 0;
    state = DONE;
  }
}
