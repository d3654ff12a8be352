// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A multi-threaded scheduler on a {@link ForkJoinPool} in async (FIFO) mode, kept to compare with
 * {@link WorkStealingScheduler} ({@code workerPool(WorkerPool.FORK_JOIN)}). Work stealing comes
 * from the pool: a task woken on a worker goes to that worker's own queue, and idle workers steal.
 * A yielded task goes there too: this pool has no fairness rule for outside submissions.
 */
final class ForkJoinScheduler implements Scheduler {

  /** The worker pool. */
  private final ForkJoinPool pool;

  ForkJoinScheduler(AsyncRuntime runtime, int workers, String name, long stackSize) {
    AtomicInteger count = new AtomicInteger();
    this.pool = new ForkJoinPool(
        workers,
        p -> {
          // Java 17's pool threads take no stack size: this pool ignores workerStackSize.
          ForkJoinWorkerThread t = new Worker(p, runtime);
          Workers.name(t, name, count.incrementAndGet());
          return t;
        },
        /* handler = */ null,
        /* asyncMode = */ true);
  }

  @Override
  public void schedule(Task<?> task) {
    // Once stopped the pool refuses (RejectedExecutionException): the runtime gives the task up.
    pool.execute(task);
  }

  @Override
  public void stop() {
    Workers.stop(pool);
  }

  /** A pool thread that makes the runtime current before its first task. */
  private static final class Worker extends ForkJoinWorkerThread {

    /** The runtime whose tasks this thread runs. */
    private final AsyncRuntime runtime;

    Worker(ForkJoinPool pool, AsyncRuntime runtime) {
      super(pool);
      this.runtime = runtime;
    }

    @Override
    protected void onStart() {
      super.onStart();
      AsyncRuntime.enterWorker(runtime);
    }
  }
}
