// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** What the multi-threaded schedulers share: how workers are named, and how they stop. */
final class Workers {

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
