// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

/** The worker pool of a multi-threaded runtime. */
public enum WorkerPool {
  /** A {@code ForkJoinPool} in async mode: per-worker queues and work stealing. The default. */
  FORK_JOIN,
  /** Fixed threads sharing one blocking queue; kept to repeat the comparison with FORK_JOIN. */
  SHARED_QUEUE
}
