// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

/** What an {@link Interval} does with ticks it missed because its task was late (tokio's names). */
public enum MissedTicks {
  /** Fire the missed ticks at once, one per call, to catch up with the schedule. */
  BURST,
  /** Fire once now, then restart the schedule from now. */
  DELAY,
  /** Fire once now, then go on with the next tick of the original schedule. */
  SKIP
}
