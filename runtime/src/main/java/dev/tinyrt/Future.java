// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

/**
 * A value that will be there later: the Java form of Rust's {@code Future} trait.
 *
 * <p>A future does not run by itself. Each call to {@link #poll} moves it forward until it either
 * finishes, returning {@link Poll#ready}, or must wait, returning {@link Poll#pending()}. A future
 * that returns pending must have arranged for {@code cx.waker().wake()} to be called once it can
 * make progress again; the executor then polls it again.
 *
 * <p>A future fails by throwing from {@code poll}: the exception (checked or not) travels unchanged
 * to whoever awaits or blocks on it. Unless its documentation says otherwise, a future must not be
 * polled again after it returned ready or threw.
 *
 * @param <T> the type of the value the future produces
 */
@FunctionalInterface
public interface Future<T> {

  /**
   * Moves this future forward as far as it can go without waiting.
   *
   * @param cx the context of the task polling it; its waker is the one to wake when pending
   * @return ready with the value, or pending after arranging for {@code cx.waker()} to be woken
   */
  Poll<T> poll(Context cx);

  /**
   * Returns a future that is already complete with {@code value}. It may be polled any number of
   * times and always returns the same ready {@code Poll}, without allocating.
   *
   * @param value the value, may be {@code null}
   * @param <T> the value's type
   * @return a completed future
   */
  static <T> Future<T> ready(T value) {
    return new Ready<>(value);
  }
}
