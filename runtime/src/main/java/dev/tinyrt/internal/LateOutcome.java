// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * A combinator that can finish with a {@code Futures.nonCancellable} section's outcome after it
 * was cancelled ({@code Timer.timeout}, a cancelled {@code select} or {@code race}): its parent
 * treats that outcome as it treats a section's, keeping it for its own caller (a cancelled select)
 * or reporting a value nobody can be given, instead of dropping it as a cancelled child's. Without
 * it a message received in {@code select(timeout(nonCancellable(rx.recv()), d), other)} was lost
 * without a trace when the task was cancelled.
 */
public interface LateOutcome {

  /** @return whether this finished with a section's outcome after it was cancelled */
  boolean finishedLate();
}
