// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.time.Duration;

/**
 * A {@code Duration} as nanoseconds ahead of now, for a deadline on a {@link System#nanoTime()}
 * clock: never thrown ({@code toNanos()} throws past about 292 years, {@code ChronoUnit.FOREVER}
 * does), never negative, and capped at {@link #MAX_AHEAD}. Deadlines are compared by subtraction,
 * as {@code nanoTime} values must be, so any two in use must lie less than 2^63 ns apart: a
 * deadline {@code Long.MAX_VALUE} ns ahead wrapped around and sorted before the timer's due sleeps
 * (which then waited behind it for ever), and a shutdown given {@code FOREVER} threw half-way.
 */
public final class Nanos {

  /** The farthest ahead a deadline is put, in nanoseconds: about 146 years, "never" in practice. */
  public static final long MAX_AHEAD = Long.MAX_VALUE >> 1;

  private Nanos() {}

  /**
   * @param duration how long from now
   * @return its nanoseconds, 0 if it is negative, {@link #MAX_AHEAD} if it is longer
   */
  public static long ahead(Duration duration) {
    if (duration.isNegative()) {
      return 0;
    }
    if (duration.getSeconds() >= MAX_AHEAD / 1_000_000_000L) {
      return MAX_AHEAD; // toNanos() would reach the cap, or overflow and throw
    }
    return Math.min(duration.toNanos(), MAX_AHEAD);
  }
}
