// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;
import java.util.ArrayList;
import java.util.List;

/**
 * A pending future's place in a primitive's wait queue: its latest waker and whether it was
 * granted what it waits for. All fields are guarded by the owning primitive's lock.
 */
final class Waiter {

  /** The waker of the last pending poll. */
  Waker waker;

  /** Set when the primitive gave the waiter what it waits for. */
  boolean granted;

  /** Whether the waiter is in the primitive's queue. */
  boolean queued;

  /** How many units (permits) it waits for. */
  final int amount;

  Waiter(int amount) {
    this.amount = amount;
  }

  /** Wakes each waker, outside the primitive's lock. */
  static void wakeAll(List<Waker> wakers) {
    for (Waker w : wakers) {
      w.wake();
    }
  }

  /** @return a list to collect wakers into while the lock is held */
  static List<Waker> collector() {
    return new ArrayList<>(2);
  }
}
