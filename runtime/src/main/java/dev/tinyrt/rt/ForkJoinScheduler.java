// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The multi-threaded scheduler: a {@link ForkJoinPool} in async (FIFO) mode. Work stealing comes
 * from the pool: a task woken on a worker goes to that worker's own queue, and idle workers steal.
 */
final class ForkJoinScheduler implements Scheduler {

  /** The worker pool. */
  private final ForkJoinPool pool;

  ForkJoinScheduler(int workers, String name) {
    AtomicInteger count = new AtomicInteger();
    this.pool = new ForkJoinPool(
        workers,
        p -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
          Workers.name(t, name, count.incrementAndGet());
          return t;
        },
        /* handler = */ null,
        /* asyncMode = */ true);
  }

  @Override
  public void schedule(Task<?> task) {
    pool.execute(task);
  }

  @Override
  public void stop() {
    Workers.stop(pool);
  }
}
