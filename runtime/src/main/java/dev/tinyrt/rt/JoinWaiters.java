// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The wakers and stages that wait for one task's outcome, when more than one does: each once, by
 * identity. An array while there are few (the common case: one or two joiners), an identity hash
 * set once there are more than {@link #SMALL}, so that adding a joiner (which must not add a waker
 * twice) and forgetting one stay constant-time when many tasks join one handle: with a list, 100,000
 * joiners took about 7 s to register, each add scanning all the others. Guarded by its own
 * monitor, which nothing outside the task ever sees (a task's own monitor is the user's: a
 * JoinHandle is the task). Once the completion {@linkplain #close() closed} it, it takes no more
 * waiters.
 */
final class JoinWaiters {

  /** Up to this many waiters are kept in {@link #few}; more move to {@link #many}. */
  static final int SMALL = 16;

  /** The waiters at indexes 0 to {@link #count} - 1, while {@link #many} is null. */
  private Object[] few = new Object[4];

  /** How many entries of {@link #few} are used. */
  private int count;

  /** The waiters once there were more than {@link #SMALL}; from then on {@link #few} is unused. */
  private Set<Object> many;

  /** Set once by {@link #close()}: the completion took the waiters. */
  private boolean closed;

  /**
   * Holds the first two waiters.
   *
   * @param first the waiter already registered
   * @param second the one joining it, a different one
   */
  JoinWaiters(Object first, Object second) {
    few[0] = first;
    few[1] = second;
    count = 2;
  }

  /**
   * Adds {@code waiter} unless it is already here (the same waker polling again).
   *
   * @return true if it is here now; false if the completion closed this (the outcome is set)
   */
  synchronized boolean add(Object waiter) {
    if (closed) {
      return false;
    }
    if (many != null) {
      many.add(waiter);
      return true;
    }
    for (int i = 0; i < count; i++) {
      if (few[i] == waiter) {
        return true;
      }
    }
    if (count == SMALL) {
      many = Collections.newSetFromMap(new IdentityHashMap<>());
      many.addAll(Arrays.asList(few).subList(0, count));
      many.add(waiter);
      few = null;
      count = 0;
      return true;
    }
    if (count == few.length) {
      few = Arrays.copyOf(few, SMALL);
    }
    few[count++] = waiter;
    return true;
  }

  /** Removes {@code waiter} if it is here. */
  synchronized void remove(Object waiter) {
    if (many != null) {
      many.remove(waiter);
      return;
    }
    for (int i = 0; i < count; i++) {
      if (few[i] == waiter) {
        System.arraycopy(few, i + 1, few, i, count - i - 1);
        few[--count] = null;
        return;
      }
    }
  }

  /** @return how many waiters there are (none once closed: close empties it) */
  synchronized int size() {
    return many != null ? many.size() : count;
  }

  /**
   * Takes the waiters out for good: later adds fail. The completion calls it once.
   *
   * @return the waiters, in a new array the caller may keep
   */
  synchronized Object[] close() {
    closed = true;
    Object[] all = many != null ? many.toArray() : Arrays.copyOf(few, count);
    many = null;
    few = null;
    count = 0;
    return all;
  }
}
