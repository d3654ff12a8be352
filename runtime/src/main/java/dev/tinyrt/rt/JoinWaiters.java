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
 * joiners took about 7 s to register, each add scanning all the others. Guarded by the task's
 * lock; never shared outside it.
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

  /** Adds {@code waiter} unless it is already here (the same waker polling again). */
  void add(Object waiter) {
    if (many != null) {
      many.add(waiter);
      return;
    }
    for (int i = 0; i < count; i++) {
      if (few[i] == waiter) {
        return;
      }
    }
    if (count == SMALL) {
      many = Collections.newSetFromMap(new IdentityHashMap<>());
      many.addAll(Arrays.asList(few).subList(0, count));
      many.add(waiter);
      few = null;
      count = 0;
      return;
    }
    if (count == few.length) {
      few = Arrays.copyOf(few, SMALL);
    }
    few[count++] = waiter;
  }

  /** Removes {@code waiter} if it is here. */
  void remove(Object waiter) {
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

  /** @return how many waiters there are */
  int size() {
    return many != null ? many.size() : count;
  }

  /** @return the waiters, in a new array the caller may keep */
  Object[] toArray() {
    return many != null ? many.toArray() : Arrays.copyOf(few, count);
  }
}
