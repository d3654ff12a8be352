// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

/**
 * Tells an executor that a task is ready to be polled again.
 *
 * <p>Contract, as in Rust: {@link #wake()} is thread-safe, may be called from any thread, more
 * than once, and after the task has finished; extra calls are harmless. It must not block and
 * should not poll the task itself.
 */
@FunctionalInterface
public interface Waker {

  /** Asks for the task this waker belongs to to be polled again. */
  void wake();

  /**
   * Returns a waker that does nothing, for futures polled by hand.
   *
   * @return the no-op waker
   */
  static Waker noop() {
    return NoopWaker.INSTANCE;
  }
}
