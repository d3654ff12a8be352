// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A task of a model check: at most one waiting future at a time, polled with a waker that counts
 * its wakes, abandoned by {@link Droppable#drop()}.
 *
 * @param <T> the future's value type
 */
final class ModelTask<T> {

  /** Makes the next future. */
  private final Supplier<Future<T>> make;

  /** The pending future, or null. */
  private Future<T> pending;

  /** The wakes of the pending future's waker. */
  private final AtomicInteger wakes = new AtomicInteger();

  ModelTask(Supplier<Future<T>> make) {
    this.make = make;
  }

  /**
   * Polls the pending future, or a new one.
   *
   * @return null if pending, else the poll's ready result
   */
  Poll<T> poll() {
    if (pending == null) {
      pending = make.get();
      wakes.set(0);
    }
    Poll<T> p;
    try {
      p = pending.poll(Context.from(wakes::incrementAndGet));
    } catch (RuntimeException e) {
      pending = null;
      throw e;
    }
    if (p.isPending()) {
      return null;
    }
    pending = null;
    return p;
  }

  /** @return "dropped" if a pending future was abandoned, "none" if there was none */
  String abandon() {
    if (pending == null) {
      return "none";
    }
    ((Droppable) pending).drop();
    pending = null;
    return "dropped";
  }

  /**
   * Throws if the pending future was never woken yet is ready when polled now: a lost wake-up.
   * Leaves the future pending or finished.
   */
  void assertNoLostWakeUp(String what) {
    if (pending != null && wakes.get() == 0) {
      boolean ready;
      try {
        ready = pending.poll(Context.from(wakes::incrementAndGet)).isReady();
      } catch (RuntimeException e) {
        ready = true;
      }
      if (ready) {
        throw new AssertionError(what + " could go on but was never woken");
      }
    }
  }
}
