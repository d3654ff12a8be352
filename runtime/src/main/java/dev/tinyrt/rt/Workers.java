// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** What the multi-threaded schedulers share: how workers are named, and how they stop. */
final class Workers {

  /**
   * The default stack of a worker thread (WORK_STEALING and SHARED_QUEUE; the fork-join pool's
   * threads keep the JVM's): 16 MiB of address space, committed only as deep as it is used.
   * Resuming a chain of N nested async calls polls N frames inside each other; this default holds
   * chains of about DEPTH calls (measured by {@code WorkStealingStackTest}).
   */
  static final long DEFAULT_STACK_SIZE = 16L << 20;

  private Workers() {}

  /** Names a worker thread {@code <runtime>-worker-<n>} and makes it a daemon. */
  static void name(Thread worker, String runtime, int n) {
    worker.setName(runtime + "-worker-" + n);
    worker.setDaemon(true);
  }

  /** Stops a worker pool, waiting a moment for its threads. */
  static void stop(ExecutorService pool) {
    pool.shutdown();
    try {
      pool.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
