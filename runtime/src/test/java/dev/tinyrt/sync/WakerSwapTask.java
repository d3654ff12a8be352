// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.function.Supplier;

/**
 * A task of a model check that polls its one waiting future with a new waker every time, as a
 * future polled by different combinators or moved between executors is: only the waker of the
 * last pending poll counts, so a wake that reaches a waker the future no longer holds is a lost
 * wake-up here (the {@link ModelTask} of the other model checks counts every waker's wakes
 * together and cannot see that).
 *
 * @param <T> the future's value type
 */
final class WakerSwapTask<T> {

  /** Makes the next future. */
  private final Supplier<Future<T>> make;

  /** The pending future, or null. */
  private Future<T> pending;

  /** The waker of the pending future's last poll, or null. */
  private volatile CountingWaker last;

  /** Polls begun plus polls ended: odd while a poll runs (a seqlock for {@link #lastWakerUnwoken}). */
  private volatile int turns;

  WakerSwapTask(Supplier<Future<T>> make) {
    this.make = make;
  }

  /**
   * Polls the pending future, or a new one, with a new waker.
   *
   * @return null if pending, else the poll's ready result
   */
  Poll<T> poll() {
    if (pending == null) {
      pending = make.get();
    }
    CountingWaker waker = new CountingWaker();
    Poll<T> p;
    turns++; // odd: a poll runs
    try {
      p = pending.poll(waker.context());
    } catch (RuntimeException e) {
      pending = null;
      last = null;
      turns++;
      throw e;
    }
    if (p.isPending()) {
      last = waker;
    } else {
      pending = null;
      last = null;
    }
    turns++; // even: settled
    return p.isPending() ? null : p;
  }

  /** @return "dropped" if a pending future was abandoned, "none" if there was none */
  String abandon() {
    if (pending == null) {
      return "none";
    }
    ((Droppable) pending).drop();
    pending = null;
    last = null;
    return "dropped";
  }

  /**
   * Tells whether a future is pending and the waker of its last poll was never woken. Safe to call
   * from another thread while this task polls: a poll in progress (or one that began or ended
   * during the call) answers false, since its waker is not settled yet.
   *
   * @return true only if no poll ran during the call and the settled last waker has no wake
   */
  boolean lastWakerUnwoken() {
    int before = turns;
    if ((before & 1) != 0) {
      return false;
    }
    CountingWaker w = last;
    boolean unwoken = w != null && w.count() == 0;
    return unwoken && turns == before;
  }

  /**
   * Throws if the pending future's last waker was never woken yet the future is ready when polled
   * now: a lost wake-up. Leaves the future pending or finished.
   *
   * @param what names the future in the message
   */
  void assertNoLostWakeUp(String what) {
    if (!lastWakerUnwoken()) {
      return;
    }
    Poll<T> p;
    try {
      p = poll();
    } catch (RuntimeException e) {
      throw new AssertionError(what + " could go on (it throws " + e + ") but its last waker was "
          + "never woken");
    }
    if (p != null) {
      throw new AssertionError(what + " could go on but the waker of its last poll was never "
          + "woken (a stale waker was woken instead?)");
    }
  }
}
