// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.util.Objects;

/**
 * The result of one {@link Future#poll}: ready with a value, or pending.
 *
 * <p>There is one pending instance; compare with {@link #isPending()}. A ready {@code null} is one
 * shared instance too (it is equal to any other ready {@code null}, as before); other ready polls
 * are new each time: compare them with {@link #equals}, not {@code ==}.
 *
 * @param <T> the type of the value
 */
public final class Poll<T> {

  /** The single pending poll. Its {@link #value} is never read. */
  private static final Poll<?> PENDING = new Poll<>(null);

  /** The single ready poll of {@code null}: a send, a permit, a notification allocate nothing. */
  private static final Poll<?> READY_NULL = new Poll<>(null);

  /** The value when ready; {@code null} for {@link #PENDING} (and for a ready {@code null}). */
  private final T value;

  private Poll(T value) {
    this.value = value;
  }

  /**
   * Returns a ready poll holding {@code value}.
   *
   * @param value the value, may be {@code null}
   * @param <T> the value's type
   * @return a ready poll; the same instance each time for {@code null}
   */
  @SuppressWarnings("unchecked")
  public static <T> Poll<T> ready(T value) {
    return value == null ? (Poll<T>) READY_NULL : new Poll<>(value);
  }

  /**
   * Returns the pending poll.
   *
   * @param <T> the value's type
   * @return the single pending instance
   */
  @SuppressWarnings("unchecked")
  public static <T> Poll<T> pending() {
    return (Poll<T>) PENDING;
  }

  /** @return whether the future finished */
  public boolean isReady() {
    return this != PENDING;
  }

  /** @return whether the future must wait for its waker */
  public boolean isPending() {
    return this == PENDING;
  }

  /**
   * Returns the value of a ready poll.
   *
   * @return the value
   * @throws IllegalStateException if this poll is pending
   */
  public T get() {
    if (this == PENDING) {
      throw new IllegalStateException("Poll.get() on a pending poll: check isReady() first");
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Poll<?> other
        && isReady() == other.isReady()
        && Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return isReady() ? Objects.hashCode(value) * 31 + 1 : 0;
  }

  @Override
  public String toString() {
    return isReady() ? "Ready(" + value + ")" : "Pending";
  }
}
