// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a multi-threaded runtime's sockets are selected, for {@code IoDriver.of(runtime)}: on a
 * selector of each worker's own, which the worker turns when it has nothing to run (the default),
 * or on one I/O driver thread shared by every worker. Set with {@link AsyncRuntime.Builder#io}, or
 * for a whole test suite or benchmark with {@code -Dtinyrt.io=driver-thread}. Only the {@link
 * WorkerPool#WORK_STEALING} pool has per-worker selectors; the other pools always use the driver
 * thread. A current-thread runtime always selects on its own thread.
 *
 * <p>Why per-worker is the default: it costs less CPU per echo message ({@code IoCpuTime}, bench,
 * 2 workers, Java 25, two interleaved runs on a loaded 2-core machine: 15.3 and 13.4 µs of server
 * CPU per message against 18.8 and 15.1 µs at 100 connections, 18.2 and 18.6 against 25.9 and 22.5
 * at 1,000; {@code docs/benchmarks.md}, section 6, "Stop 12"): readiness wakes a task on the
 * thread that runs it, with no hop through a driver thread, and a key's interest removed at
 * readiness and added back by the next wait before the next select costs no {@code epoll_ctl}.
 */
public enum IoMode {
  /**
   * One I/O driver thread ({@code IoDriver.system()}) selects for every worker's sockets and wakes
   * their tasks from there, like a timer: a wake of a sleeping worker is an unpark from that
   * thread. Readiness is seen even while every worker is busy in a long poll.
   */
  DRIVER_THREAD,
  /**
   * Each worker has its own selector and parks by selecting on it, so one thread waits for its
   * sockets and for new work alike: readiness wakes tasks into that worker's own queue with no
   * thread hop, and a wake of a worker blocked in {@code select} costs one {@code
   * Selector.wakeup()}. A busy worker looks at its selector without blocking every {@value
   * Worker#GLOBAL_QUEUE_INTERVAL} tasks. A socket's key lives on the selector of the worker that
   * opened or accepted it (one chosen round robin from outside the workers); its task may run on
   * any worker. The default. Its risk: a socket's readiness is seen only by its own worker, so a
   * worker held up in a long poll delays its sockets (by up to the rest of that poll) even while
   * others idle, and a poll that blocks its worker's thread until one of that worker's own
   * sockets is read (a {@code CompletableFuture.join()} or a nested {@code blockOn} inside a task,
   * waiting on a task that reads that socket) waits forever. Blocking a worker inside a poll is a
   * misuse on any runtime; if a program does it, {@link #DRIVER_THREAD} keeps its sockets moving.
   */
  PER_WORKER;

  /** The system property that overrides the default: {@code per-worker} or {@code driver-thread}. */
  static final String PROPERTY = "tinyrt.io";

  /**
   * @return the mode named by {@value #PROPERTY}, or {@link #PER_WORKER}
   * @throws IllegalArgumentException if the property names no mode
   */
  static IoMode byDefault() {
    String name = System.getProperty(PROPERTY);
    if (name == null || name.isBlank()) {
      return PER_WORKER;
    }
    try {
      return valueOf(name.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + " names no I/O mode: use "
          + "driver-thread or per-worker (" + Arrays.toString(values()) + ")", e);
    }
  }
}
