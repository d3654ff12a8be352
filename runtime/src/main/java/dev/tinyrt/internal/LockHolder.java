// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Context;

/**
 * Who holds a lock, for the task dump: a future waiting for a lock ({@code Mutex.lock()}) names
 * the context that was granted it, so a dump of a task parked on the lock can say which task holds
 * it and where that one is parked.
 */
public interface LockHolder {

  /**
   * Returns what the lock's holder was polled with when it got the lock: a runtime's task (its
   * own context), another context (a {@code blockOn}'s), or null if the lock is free or was taken
   * without a context ({@code tryLock()}). Read without synchronization: a report's best guess.
   *
   * @return the holder's context, or null
   */
  Object holder();

  /** A context that stands in for a task (a diagnostic's probe) and names the task it stands for. */
  interface Delegate {

    /** @return the task this context stands for */
    Object task();
  }

  /**
   * Returns what a lock granted to a future polled with {@code cx} records as its holder: the task
   * {@code cx} stands for, so the record does not keep a diagnostic's probe waker alive.
   *
   * @param cx the context of the poll that got the lock
   * @return the holder to record
   */
  static Object of(Context cx) {
    return cx instanceof Delegate d ? d.task() : cx;
  }
}
