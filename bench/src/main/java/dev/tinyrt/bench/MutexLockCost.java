// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Mutex;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * What an uncontended {@code Mutex} lock and unlock costs, driven by hand on one thread (no
 * runtime, so the lock is most of what is measured): {@code lock()}, one ready poll, a write
 * through the guard, {@code close()}. Timed by this thread's CPU time and counted by its exact
 * allocation counter ({@code ThreadMXBean}), so it means something on a loaded machine. Used to
 * compare two builds of the runtime (for instance with and without the holder the task dump
 * reads), alternating their jars.
 *
 * <p>{@code java -cp tinyrt-benchmarks.jar dev.tinyrt.bench.MutexLockCost N [ROUNDS]}; prints one
 * JSON line per round after three warm-up rounds.
 */
public final class MutexLockCost {

  private MutexLockCost() {}

  /** The JVM's per-thread CPU and allocation counters. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** A waker nobody calls: an uncontended lock is ready at its first poll. */
  private static final Waker NEVER_CALLED = () -> {
    throw new IllegalStateException("an uncontended lock never waits, so nothing wakes it");
  };

  /**
   * Runs the warm-up rounds, then prints each measured round.
   *
   * @param args N locks per round, measured rounds
   */
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Mutex<long[]> mutex = new Mutex<>(new long[1]);
    Context cx = Context.from(NEVER_CALLED);
    for (int i = 0; i < 3; i++) {
      lockAndUnlock(mutex, cx, n);
    }
    for (int i = 0; i < rounds; i++) {
      long cpu = THREADS.getCurrentThreadCpuTime();
      long bytes = THREADS.getCurrentThreadAllocatedBytes();
      lockAndUnlock(mutex, cx, n);
      Map<String, Double> m = Measure.metrics();
      m.put("cpu_ns_per_lock", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / n);
      m.put("bytes_per_lock", (double) (THREADS.getCurrentThreadAllocatedBytes() - bytes) / n);
      Measure.report(m);
    }
    if (mutex.tryLock().get()[0] != 3L * n + (long) rounds * n) {
      throw new IllegalStateException("a lock was lost: the count does not add up");
    }
  }

  /** Locks, bumps the guarded count and unlocks, {@code n} times. */
  static void lockAndUnlock(Mutex<long[]> mutex, Context cx, int n) {
    for (int i = 0; i < n; i++) {
      Future<Mutex.Guard<long[]>> lock = mutex.lock();
      Poll<Mutex.Guard<long[]>> p = lock.poll(cx);
      try (Mutex.Guard<long[]> guard = p.get()) {
        guard.get()[0]++;
      }
    }
  }
}
