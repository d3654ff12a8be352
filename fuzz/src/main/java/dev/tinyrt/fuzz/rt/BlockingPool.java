// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blocking pool of a current-thread run: a cached pool that counts the jobs it finished, each
 * job counted once it returned, that is once its stage completed and woke its awaiter. The
 * lost-wake check waits for it to be idle, so a wake still on its way is not taken for lost.
 */
final class BlockingPool extends ThreadPoolExecutor {

  /** Jobs handed to the pool. */
  private final AtomicInteger submitted = new AtomicInteger();

  /** Jobs that returned. */
  private final AtomicInteger finished = new AtomicInteger();

  /** @param name the runtime's name: threads are {@code name-blocking}, as the runtime's own */
  BlockingPool(String name) {
    super(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, name + "-blocking");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void execute(Runnable command) {
    submitted.incrementAndGet();
    try {
      super.execute(command);
    } catch (RuntimeException refused) {
      submitted.decrementAndGet();
      throw refused;
    }
  }

  @Override
  protected void afterExecute(Runnable r, Throwable t) {
    finished.incrementAndGet();
  }

  /** @return whether every job handed over returned */
  boolean idle() {
    return finished.get() == submitted.get();
  }
}
