// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

/**
 * What a current-thread runtime's driving thread does when it has no task to run. By default it
 * parks ({@code LockSupport}); an I/O driver installed with {@link AsyncRuntime#parker} selects
 * instead ({@code dev.tinyrt.io.IoDriver.of(runtime)}), so one thread waits for its sockets and for
 * wakes from other threads alike, and no I/O thread is started.
 *
 * <p>The contract is {@code LockSupport}'s permit: an {@link #unpark()} that comes before the
 * {@link #park} makes that park return at once.
 */
public interface Parker {

  /**
   * Blocks the driving thread until {@link #unpark()} (called since the last park returned, or
   * while it blocks), the timeout, or readiness the parker handles itself (it then wakes the ready
   * tasks' wakers on this thread before returning). May return early for no reason.
   *
   * @param timeoutNanos how long at most; 0 to look without blocking; {@code Long.MAX_VALUE} for
   *     no limit
   */
  void park(long timeoutNanos);

  /** Makes the park in progress, or the next one, return. Any thread; never throws or blocks. */
  void unpark();

  /** Called once when the runtime stops: gives back what the parker holds (a selector). */
  void stop();
}
