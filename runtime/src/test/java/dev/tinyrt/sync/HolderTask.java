// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.WokenTask;
import dev.tinyrt.internal.Grant;
import java.util.function.Supplier;

/**
 * A task of a model check that waits for a grant (a semaphore's permit, a mutex's guard), holds it
 * and gives it back: a {@link WokenTask} (one future, polled again only once woken) plus the grant
 * it holds. Its operations return nothing about wakes; {@link #settle} judges them once the
 * scenario ended.
 *
 * <p>Not thread-safe: one thread (one Lincheck non-parallel group) drives it; the validation reads
 * it after every thread of the scenario finished.
 *
 * @param <G> the grant's type
 */
final class HolderTask<G extends Grant> {

  /** Waits for the grant as an executor's task does. */
  private final WokenTask<G> task;

  /** The grant held, or null. */
  private G held;

  /**
   * @param what names the future in messages ("task a's acquire")
   * @param make makes the next future of a grant
   */
  HolderTask(String what, Supplier<Future<G>> make) {
    this.task = new WokenTask<>(what, make);
  }

  /**
   * One turn of the task unless it holds the grant: a new future, or its pending one again if it
   * was woken.
   *
   * @return the grant it took in this turn, or null
   */
  G take() {
    if (held != null) {
      return null;
    }
    return hold(task.turn());
  }

  /** @return the grant held, or null */
  G held() {
    return held;
  }

  /** Gives the grant back if one is held. */
  void giveBack() {
    G g = held;
    if (g != null) {
      held = null;
      g.close();
    }
  }

  /** Abandons the pending future (a lost select, a timeout) if there is one. */
  void abandon() {
    task.abandon();
  }

  /**
   * Called once the scenario ended: throws on a lost wake-up ({@link WokenTask#assertNoLostWake}),
   * then polls the pending future again if it was woken, as its executor would, and throws if it
   * did not take the grant it was woken for ({@link WokenTask#assertWokenFinishes}).
   *
   * @return the grant taken now, or null
   */
  G settle() {
    task.assertNoLostWake();
    return hold(task.assertWokenFinishes());
  }

  /** Holds the grant of a ready poll; returns it, or null if the poll is null. */
  private G hold(Poll<G> p) {
    if (p == null) {
      return null;
    }
    held = p.get();
    return held;
  }

  /** The task gives up: abandons its pending future, gives back its grant. */
  void leave() {
    abandon();
    giveBack();
  }
}
