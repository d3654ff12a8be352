// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

/**
 * The worker pool of a multi-threaded runtime. The default is {@link #WORK_STEALING}, unless the
 * system property {@code tinyrt.workerPool} names another (to run a whole test suite or benchmark
 * on it: {@code -Dtinyrt.workerPool=FORK_JOIN}).
 */
public enum WorkerPool {
  /**
   * tinyrt's own scheduler, on tokio's design: per-worker local queues others steal from, a LIFO
   * slot for the task just woken, one injection queue for outside work, a fairness rule, and idle
   * workers woken one at a time only when needed. The default: fair where FORK_JOIN is not (a
   * task that yields or wakes itself in a loop starves FORK_JOIN's outside submissions), and
   * faster on a quiet two-core machine (scripts/bench --quick, Java 25: ping-pong 3.2M against
   * 1.1M messages a second, spawn+join inside a task 358 against 1,310 ns, outside wakes in
   * random order 389 against 921 ns).
   */
  WORK_STEALING,
  /** A {@code ForkJoinPool} in async mode: per-worker queues and work stealing; not fair. */
  FORK_JOIN,
  /** Fixed threads sharing one blocking queue; kept to repeat the comparison with the others. */
  SHARED_QUEUE;

  /** The system property that overrides the default pool. */
  static final String PROPERTY = "tinyrt.workerPool";

  /**
   * @return the pool named by {@value #PROPERTY}, or {@link #WORK_STEALING}
   * @throws IllegalArgumentException if the property names no pool
   */
  static WorkerPool byDefault() {
    String name = System.getProperty(PROPERTY);
    if (name == null || name.isBlank()) {
      return WORK_STEALING;
    }
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + name + " names no worker pool: use one of "
              + java.util.Arrays.toString(values()), e);
    }
  }
}
