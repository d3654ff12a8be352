// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;
import dev.tinyrt.internal.Wakes;
import java.util.Arrays;

/**
 * Wakers collected under a primitive's lock, woken after it is released. The first waker is kept
 * in a field, so waking one waiter (the common case) allocates no array.
 */
final class WakeList {

  /** The first waker collected, or null. */
  private Waker first;

  /** The wakers after the first, in order; null until a second one comes. */
  private Waker[] rest;

  /** How many wakers are in {@link #rest}. */
  private int restSize;

  /**
   * Adds a waker; null is ignored.
   *
   * @param waker the waker, or null
   */
  void add(Waker waker) {
    if (waker == null) {
      return;
    }
    if (first == null) {
      first = waker;
      return;
    }
    if (rest == null) {
      rest = new Waker[4];
    } else if (restSize == rest.length) {
      rest = Arrays.copyOf(rest, restSize * 2);
    }
    rest[restSize++] = waker;
  }

  /** Wakes every waker collected, in order. Call without holding the primitive's lock. */
  void wakeAll() {
    // A waker that throws (a user's, which must not) is logged and the others are still woken:
    // each was granted what it waits for and left the queue (Wakes).
    Wakes.wakeAll(first, rest, restSize);
  }

  /**
   * Wakes one waker if not null, for callers that collected a single one.
   *
   * @param waker the waker, or null
   */
  static void wake(Waker waker) {
    Wakes.wake(waker);
  }
}
