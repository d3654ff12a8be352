// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import java.util.Arrays;

/**
 * The timer's pending sleeps: a binary min-heap ordered by deadline, then by insertion, in which
 * every sleep knows its slot ({@link Sleep#heapIndex}), so a dropped or ready sleep leaves in
 * O(log n) instead of waiting for its deadline. Not thread-safe: its {@link Timer} guards it with
 * its lock.
 *
 * <p>Why a heap and not a hashed timing wheel: the wheel's O(1) insert and cancel pay off with
 * millions of live timers, but it needs a tick (a resolution) and a thread that turns it even when
 * nothing is due, and it orders equal ticks loosely. Our deadlines are exact nanoseconds on a
 * {@link ManualClock} in tests, fired in order with equal deadlines first in, first out; a timeout
 * that finishes early costs one insert and one removal of ~log2(n) swaps under an uncontended lock
 * (see the report of the timer branch for the measured figures).
 */
final class SleepHeap {

  /** The smallest array the heap keeps, and its first size. */
  private static final int MIN_CAPACITY = 16;

  /** The heap array: {@code slots[0]} is the earliest; the children of {@code i} are 2i+1, 2i+2. */
  private Sleep[] slots = new Sleep[MIN_CAPACITY];

  /** How many slots are used. */
  private int size;

  /** Insertion counter, to keep equal deadlines first in, first out. */
  private long sequence;

  /** @return how many sleeps are in the heap */
  int size() {
    return size;
  }

  /** @return the earliest sleep, or null if the heap is empty */
  Sleep peek() {
    return size == 0 ? null : slots[0];
  }

  /**
   * Adds a sleep that is in no heap.
   *
   * @param sleep the sleep; its {@link Sleep#heapIndex} must be -1
   */
  void add(Sleep sleep) {
    if (sleep.heapIndex >= 0) {
      throw new IllegalStateException("a sleep entered the timer's heap twice");
    }
    sleep.sequence = sequence++;
    if (size == slots.length) {
      slots = Arrays.copyOf(slots, size * 2);
    }
    siftUp(size++, sleep);
  }

  /** @return the earliest sleep, removed from the heap (the heap must not be empty) */
  Sleep poll() {
    Sleep earliest = slots[0];
    removeAt(0);
    return earliest;
  }

  /**
   * Removes {@code sleep} if it is in the heap.
   *
   * @param sleep a sleep of this heap's timer
   * @return whether it was in the heap
   */
  boolean remove(Sleep sleep) {
    int i = sleep.heapIndex;
    if (i < 0) {
      return false;
    }
    removeAt(i);
    return true;
  }

  /** Removes the sleep in slot {@code i}: the last sleep takes its slot and moves down or up. */
  private void removeAt(int i) {
    slots[i].heapIndex = -1;
    int last = --size;
    Sleep moved = slots[last];
    slots[last] = null;
    if (i != last) {
      siftDown(i, moved);
      if (slots[i] == moved) {
        siftUp(i, moved);
      }
    }
    // Give back the array of a burst that is over: an empty timer keeps no large array.
    if (slots.length > MIN_CAPACITY && size < slots.length / 4) {
      slots = Arrays.copyOf(slots, Math.max(MIN_CAPACITY, slots.length / 2));
    }
  }

  /** Places {@code sleep} at slot {@code i} or above, moving later parents down. */
  private void siftUp(int i, Sleep sleep) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Sleep p = slots[parent];
      if (!earlier(sleep, p)) {
        break;
      }
      place(i, p);
      i = parent;
    }
    place(i, sleep);
  }

  /** Places {@code sleep} at slot {@code i} or below, moving earlier children up. */
  private void siftDown(int i, Sleep sleep) {
    int half = size >>> 1; // slots at or after half are leaves
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && earlier(slots[right], slots[child])) {
        child = right;
      }
      if (!earlier(slots[child], sleep)) {
        break;
      }
      place(i, slots[child]);
      i = child;
    }
    place(i, sleep);
  }

  private void place(int i, Sleep sleep) {
    slots[i] = sleep;
    sleep.heapIndex = i;
  }

  /** Deadline order (wrap-safe, as {@link System#nanoTime()} values compare), then insertion. */
  private static boolean earlier(Sleep a, Sleep b) {
    long d = a.deadline - b.deadline;
    return d < 0 || (d == 0 && a.sequence < b.sequence);
  }
}
