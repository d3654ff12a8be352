// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a batch exercised, summed over its runs: shows that the programs do get cancelled mid-way
 * (a fuzzer whose tasks all return finds nothing about cancellation).
 */
final class Tally {

  /** Runs (a program on one runtime). */
  final LongAdder runs = new LongAdder();

  /** Node instances that began. */
  final LongAdder nodes = new LongAdder();

  /** Tasks that returned a value. */
  final LongAdder returned = new LongAdder();

  /** Tasks that threw the program's own exception. */
  final LongAdder failed = new LongAdder();

  /** Tasks that ended by cancellation (abort, shutdown, or a cancelled join). */
  final LongAdder cancelled = new LongAdder();

  /** Tasks cancelled before their first poll. */
  final LongAdder neverRan = new LongAdder();

  /** Aborts the driver injected. */
  final LongAdder aborts = new LongAdder();

  /** Runs the driver shut down early, at a random step. */
  final LongAdder earlyShutdowns = new LongAdder();

  /** Awaits of a shared handle that returned or threw the task's outcome. */
  final LongAdder sharedJoins = new LongAdder();

  /** Blocking jobs that ran. */
  final LongAdder blockingJobs = new LongAdder();

  /** Current-thread runs checked for lost wake-ups. */
  final LongAdder lostWakeChecks = new LongAdder();

  @Override
  public String toString() {
    return runs + " runs, " + nodes + " node instances; tasks: " + returned + " returned, "
        + failed + " failed, " + cancelled + " cancelled, " + neverRan + " cancelled before "
        + "their first poll; " + aborts + " aborts and " + earlyShutdowns
        + " early shutdowns injected; " + sharedJoins + " shared joins, " + blockingJobs
        + " blocking jobs, " + lostWakeChecks + " runs checked for lost wake-ups";
  }
}
