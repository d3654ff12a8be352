// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Future;

/**
 * For the model checks that run tasks under Lincheck: with {@code -Dtinyrt.lostWakers=true} the
 * first poll of a task starts the detector's daemon thread ({@link LostWakers}); started inside a
 * Lincheck scenario, that thread is one Lincheck did not create and cannot schedule, and the model
 * check hung. Started here first, on the test's own thread, the scenarios find it running.
 */
final class LostWakersBeforeLincheck {

  private LostWakersBeforeLincheck() {}

  /** Starts the detector's daemon thread now if the detector is on; does nothing otherwise. */
  static void start() {
    if (!LostWakers.ENABLED) {
      return;
    }
    AsyncRuntime runtime = AsyncRuntime.currentThread();
    runtime.spawn(Future.ready(null));
    runtime.localScheduler().runOne(); // its poll starts the daemon thread
  }
}
