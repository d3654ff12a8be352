// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

/** Where a runtime's woken tasks go to be polled: one implementation per kind of runtime. */
interface Scheduler {

  /**
   * Queues {@code task} to be run. Called at most once per wake-up: the task's state ensures a
   * task is never in a queue twice.
   *
   * @param task the task, in the SCHEDULED state
   */
  void schedule(Task<?> task);

  /** Stops the worker threads, if any, once no task is left. */
  void stop();
}
