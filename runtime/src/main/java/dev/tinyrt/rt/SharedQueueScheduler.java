// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A baseline measured against {@link WorkStealingScheduler}: fixed workers sharing one blocking
 * queue, no stealing. Kept selectable so the comparison can be repeated ({@code
 * AsyncRuntime.builder().workerPool(WorkerPool.SHARED_QUEUE)}).
 */
final class SharedQueueScheduler implements Scheduler {

  /** The worker pool. */
  private final ThreadPoolExecutor pool;

  SharedQueueScheduler(AsyncRuntime runtime, int workers, String name, long stackSize) {
    AtomicInteger count = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(
        workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(/* group = */ null, () -> {
            AsyncRuntime.enterWorker(runtime);
            r.run();
          }, "", stackSize);
          Workers.name(t, name, count.incrementAndGet());
          return t;
        });
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
}
