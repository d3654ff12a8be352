// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

/** A monotonic clock in nanoseconds, as {@link System#nanoTime()}; a {@link ManualClock} in tests. */
public interface Clock {

  /** @return the current time in nanoseconds, from an arbitrary origin */
  long nanoTime();

  /** @return the system's monotonic clock */
  static Clock system() {
    return System::nanoTime;
  }
}
