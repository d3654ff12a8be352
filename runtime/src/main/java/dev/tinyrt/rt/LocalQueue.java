// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A worker's bounded run queue, tokio's {@code queue::Local}: a ring of slots where only the owner
 * pushes (at the tail) and everybody takes from the head, the owner one at a time, other workers
 * half of it at once ({@link #stealInto}). Pushing and popping allocate nothing.
 *
 * <p>Positions are ever-growing {@code long}s (a slot is {@code position & mask}), so the head never
 * comes back to a value it had (no ABA). The owner writes a slot only below {@code head + capacity}
 * for a head it read; a taker reads slots {@code [h, h + n)} before its CAS moves the head from
 * {@code h}: if the CAS succeeds, the head was still {@code h}, so none of those slots had been
 * written again, and what it read is what was pushed there.
 *
 * @param <T> what is queued (tasks; anything in tests)
 */
final class LocalQueue<T> {

  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(LocalQueue.class, "head", long.class);
      TAIL = lookup.findVarHandle(LocalQueue.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The slots; an entry is meaningful only between head and tail. */
  private final Object[] slots;

  /** {@code slots.length - 1}; the length is a power of two. */
  private final int mask;

  /** Position of the oldest entry. Moved forward by CAS, by the owner and by stealers. */
  private volatile long head;

  /** Position after the newest entry. Written only by the owner, with release. */
  private volatile long tail;

  /** @param capacity a power of two */
  LocalQueue(int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
    }
    this.slots = new Object[capacity];
    this.mask = capacity - 1;
  }

  /** @return how many slots it has */
  int capacity() {
    return slots.length;
  }

  /**
   * Appends {@code value}; owner only.
   *
   * @return false if the queue is full (the caller queues it elsewhere)
   */
  boolean push(T value) {
    long t = (long) TAIL.getOpaque(this); // Ordering: only this thread writes tail.
    if (t - head >= slots.length) {
      return false;
    }
    SLOT.setOpaque(slots, (int) (t & mask), value);
    // Ordering: release publishes the slot to whoever reads the new tail with acquire.
    TAIL.setRelease(this, t + 1);
    return true;
  }

  /**
   * Takes the oldest entry; owner only (it races with stealers on the head, not on the tail).
   *
   * @return the entry, or null if empty
   */
  @SuppressWarnings("unchecked")
  T pop() {
    long t = (long) TAIL.getOpaque(this);
    while (true) {
      long h = head;
      if (h == t) {
        return null;
      }
      Object value = SLOT.getOpaque(slots, (int) (h & mask));
      // If a stealer moved the head first, the read may be stale: retry from the new head.
      if (HEAD.compareAndSet(this, h, h + 1)) {
        // Let go of the task, so a finished one is not kept alive by a stale slot. Safe: only
        // this thread writes slots, and a stealer that read this one before the CAS fails its own.
        SLOT.setOpaque(slots, (int) (h & mask), null);
        return (T) value;
      }
    }
  }

  /** @return whether it looks empty (exact for the owner when no stealer is active) */
  boolean isEmpty() {
    return tail == head;
  }

  /** @return how many entries it holds, at some moment during the call */
  int size() {
    while (true) {
      long h = head;
      long t = tail;
      if (h == head) {
        return (int) Math.max(0, t - h);
      }
    }
  }

  /**
   * Takes half of this queue's entries (rounded up; no more than {@code dst} has room for, plus
   * one): returns the oldest, to run at once, and moves the others into {@code dst}, whose owner
   * calls this.
   *
   * @param dst the caller's own queue (empty when the caller searches for work; not always when
   *     it takes from a stalled worker, see {@code Worker#stealFromStalled})
   * @return the entry to run, or null if there was nothing to steal
   */
  @SuppressWarnings("unchecked")
  T stealInto(LocalQueue<T> dst) {
    while (true) {
      // Ordering: acquire of tail makes the slots below it readable; head is volatile.
      long h = head;
      long t = (long) TAIL.getAcquire(this);
      long available = t - h;
      if (available <= 0) {
        return null;
      }
      long dt = (long) TAIL.getOpaque(dst); // Ordering: only this thread writes dst's tail.
      // dst's stealers only move its head forward, so the room read here is at most too small.
      long room = dst.slots.length - (dt - dst.head);
      int n = (int) Math.min((available + 1) / 2, room + 1);
      // Read first, claim second: a successful CAS proves the slots were not reused (see above).
      Object first = SLOT.getOpaque(slots, (int) (h & mask));
      for (int i = 1; i < n; i++) {
        // Positions from dst's tail up to its head plus its capacity are free, and only we
        // write dst's slots.
        Object value = SLOT.getOpaque(slots, (int) ((h + i) & mask));
        SLOT.setOpaque(dst.slots, (int) ((dt + i - 1) & dst.mask), value);
      }
      if (HEAD.compareAndSet(this, h, h + n)) {
        if (n > 1) {
          // Ordering: release publishes the copied slots to dst's stealers.
          TAIL.setRelease(dst, dt + n - 1);
        }
        return (T) first;
      }
    }
  }
}
