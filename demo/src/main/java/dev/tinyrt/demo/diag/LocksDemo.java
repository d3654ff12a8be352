// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.demo.diag;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Mutex;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * The chapter's "locks held while waiting" lesson ({@code scripts/demo locks}): {@link #example}
 * holds a {@code ReentrantLock} across an await, so the task parks holding it, every thread that
 * wants it blocks, and it may resume on a thread that cannot unlock it. The agent warns as the
 * class loads, pointing to {@link Mutex}; {@link #better} uses it and passes. Only {@code better}
 * is run: on a runtime's worker, {@code example}'s second task would block the thread on {@code
 * lock()} while the first is parked holding the lock.
 */
public final class LocksDemo {

  /** How many tasks add to the total. */
  static final int TASKS = 1_000;

  private LocksDemo() {}

  /**
   * The mistake: a JDK lock held across an await.
   *
   * @param lock guards {@code total}
   * @param total the running total
   * @param price a price still being looked up
   * @return the new total
   */
  public static Future<Long> example(Lock lock, long[] total, Future<Long> price) {
    lock.lock();
    try {
      total[0] += await(price);
      return Future.ready(total[0]);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The fix: an async lock, whose guard may be held across awaits.
   *
   * @param total the running total, guarded
   * @param price a price still being looked up
   * @return the new total
   */
  public static Future<Long> better(Mutex<Long> total, Future<Long> price) {
    try (Mutex.Guard<Long> guard = await(total.lock())) {
      guard.set(guard.get() + await(price));
      return Future.ready(guard.get());
    }
  }

  /** A price that is looked up "later": ready after the task yields once. */
  private static Future<Long> price(long value) {
    await(Tasks.yieldNow());
    return Future.ready(value);
  }

  /**
   * Runs {@link #TASKS} tasks of {@link #better} on a multi-threaded runtime and prints the total.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    Mutex<Long> total = new Mutex<>(0L);
    try (AsyncRuntime rt = AsyncRuntime.multiThread()) {
      List<Future<Long>> tasks = new ArrayList<>();
      for (int i = 1; i <= TASKS; i++) {
        tasks.add(rt.spawn(better(total, price(i))));
      }
      rt.blockOn(Futures.joinAll(tasks));
      long sum = rt.blockOn(readTotal(total));
      System.out.printf("better(): %,d tasks added their prices under a Mutex held across an "
          + "await: total %,d (expected %,d)%n", TASKS, sum, (long) TASKS * (TASKS + 1) / 2);
    }
    System.out.println("example() is not run: see the agent's warning above for why, and where");
  }

  private static Future<Long> readTotal(Mutex<Long> total) {
    try (Mutex.Guard<Long> guard = await(total.lock())) {
      return Future.ready(guard.get());
    }
  }
}
