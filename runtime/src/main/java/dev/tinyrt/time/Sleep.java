// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.concurrent.TimeUnit;

/**
 * A future ready at a deadline of its timer's clock.
 *
 * <p>Its life in the timer: it enters the timer's heap on its first pending poll (never before, so
 * an unpolled sleep holds nothing); it leaves the heap when the timer fires it, when a poll finds
 * it due, or when it is dropped, whichever comes first, and then the timer holds nothing of it.
 * {@link #heapIndex} says where it is, under the timer's lock.
 */
final class Sleep implements Future<Void>, Droppable {

  /** The timer that fires it. */
  private final Timer timer;

  /** When it is due, in the timer clock's nanoseconds. */
  final long deadline;

  /** Insertion order, to keep equal deadlines first in, first out. Guarded by the timer's lock. */
  long sequence;

  /** Its slot in the timer's heap, -1 when it is not in it. Guarded by the timer's lock. */
  int heapIndex = -1;

  /** The waker of the last pending poll; null before it and once ready or dropped. */
  private volatile Waker waker;

  /** Set by the timer when due, before it reads {@link #waker}. */
  private volatile boolean fired;

  /** Whether it was ever put in the timer's heap (only the polling task reads or writes it). */
  private boolean registered;

  /** Set by {@link #drop()}: a timer that already took it from the heap wakes nobody. */
  private volatile boolean dropped;

  Sleep(Timer timer, long deadline) {
    this.timer = timer;
    this.deadline = deadline;
  }

  /** For task dumps: when it is due, e.g. {@code Timer sleep, due in 1204 ms}. */
  @Override
  public String toString() {
    return "Timer sleep, " + dueIn(timer, deadline);
  }

  /** @return {@code due in N ms}, or {@code due} once the deadline passed */
  static String dueIn(Timer timer, long deadline) {
    long left = deadline - timer.clock().nanoTime();
    return left <= 0 ? "due" : "due in " + TimeUnit.NANOSECONDS.toMillis(left) + " ms";
  }

  @Override
  public Poll<Void> poll(Context cx) {
    if (fired) {
      waker = null;
      return Poll.readyNull();
    }
    if (timer.clock().nanoTime() - deadline >= 0) {
      // Due but not fired yet (the driver is late, or never ran): leave the heap now.
      if (registered) {
        timer.remove(this);
      }
      waker = null;
      return Poll.readyNull();
    }
    waker = cx.waker();
    if (!registered) {
      registered = true;
      timer.add(this);
    }
    // Ordering: fire() writes fired before it reads waker, and we wrote waker before this read
    // (both volatile): either fire() sees our waker and wakes it, or we see fired here.
    return fired ? Poll.readyNull() : Poll.pending();
  }

  /** Called by the timer, outside its lock, once it took this sleep from the heap as due. */
  void fire() {
    fired = true;
    Waker w = waker;
    // A drop that raced with the firing may still see its old waker woken once: a spurious wake,
    // which wakers allow.
    if (w != null && !dropped) {
      w.wake();
    }
  }

  @Override
  public void drop() {
    dropped = true;
    if (registered) {
      timer.remove(this);
    }
    waker = null;
  }
}
