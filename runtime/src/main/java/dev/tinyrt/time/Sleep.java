// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;

/**
 * A future ready at a deadline of its timer's clock. It enters the timer's heap on its first
 * pending poll; the timer wakes it when due. Dropped before then, it is skipped by the timer.
 */
final class Sleep implements Future<Void>, Droppable {

  /** The timer that fires it. */
  private final Timer timer;

  /** When it is due, in the timer clock's nanoseconds. */
  final long deadline;

  /** Insertion order, to keep equal deadlines first in, first out. */
  long sequence;

  /** The waker of the last pending poll. */
  private volatile Waker waker;

  /** Set by the timer when due. */
  private volatile boolean fired;

  /** Whether it was put in the timer's heap (only the polling task reads or writes it). */
  private boolean registered;

  /** Set by {@link #drop()}: the timer discards it. */
  volatile boolean dropped;

  Sleep(Timer timer, long deadline) {
    this.timer = timer;
    this.deadline = deadline;
  }

  @Override
  public Poll<Void> poll(Context cx) {
    if (fired || timer.clock().nanoTime() - deadline >= 0) {
      dropped = true; // if it is in the heap, the timer need not wake anyone for it
      return Poll.ready(null);
    }
    waker = cx.waker();
    if (!registered) {
      registered = true;
      timer.add(this);
    }
    // Ordering: fire() sets fired before reading waker; if it ran between our checks, we see it.
    return fired ? Poll.ready(null) : Poll.pending();
  }

  /** Called by the timer when the deadline passed. */
  void fire() {
    fired = true;
    Waker w = waker;
    if (w != null) {
      w.wake();
    }
  }

  @Override
  public void drop() {
    dropped = true;
  }
}
