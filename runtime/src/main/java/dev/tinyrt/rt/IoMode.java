// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a multi-threaded runtime's sockets are selected, for {@code IoDriver.of(runtime)}: on one
 * I/O driver thread shared by every worker, or on a selector of each worker's own, which the
 * worker turns when it has nothing to run. Set with {@link AsyncRuntime.Builder#io}, or for a
 * whole test suite or benchmark with {@code -Dtinyrt.io=per-worker}. Only the {@link
 * WorkerPool#WORK_STEALING} pool has per-worker selectors; the other pools always use the driver
 * thread. A current-thread runtime always selects on its own thread.
 */
public enum IoMode {
  /**
   * One I/O driver thread ({@code IoDriver.system()}) selects for every worker's sockets and wakes
   * their tasks from there, like a timer: a wake of a sleeping worker is an unpark from that
   * thread.
   */
  DRIVER_THREAD,
  /**
   * Each worker has its own selector and parks by selecting on it, so one thread waits for its
   * sockets and for new work alike: readiness wakes tasks into that worker's own queue with no
   * thread hop, and a wake of a worker blocked in {@code select} costs one {@code
   * Selector.wakeup()}. A busy worker looks at its selector without blocking every {@value
   * Worker#GLOBAL_QUEUE_INTERVAL} tasks. A socket's key lives on the selector of the worker that
   * opened or accepted it (one chosen round robin from outside the workers); its task may run on
   * any worker.
   */
  PER_WORKER;

  /** The system property that overrides the default mode: {@code driver-thread} or {@code per-worker}. */
  static final String PROPERTY = "tinyrt.io";

  /**
   * @return the mode named by {@value #PROPERTY}, or {@link #DRIVER_THREAD}
   * @throws IllegalArgumentException if the property names no mode
   */
  static IoMode byDefault() {
    String name = System.getProperty(PROPERTY);
    if (name == null || name.isBlank()) {
      return DRIVER_THREAD;
    }
    try {
      return valueOf(name.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + " names no I/O mode: use "
          + "driver-thread or per-worker (" + Arrays.toString(values()) + ")", e);
    }
  }
}
