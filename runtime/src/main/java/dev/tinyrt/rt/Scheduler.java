// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

/**
 * Where a runtime's woken tasks go to be polled: one implementation per kind of runtime.
 *
 * <p>Rules every scheduler keeps: {@link #schedule} and {@link #scheduleYielded} never block,
 * whoever calls them and whenever (a timer thread, another runtime's worker), and throw only when
 * they cannot queue the task: after {@link #stop()} (or out of memory), when the runtime gives the
 * task up ({@link AsyncRuntime#lostWake}), so that a task still live then is completed as cancelled
 * and its awaiters told, rather than left live forever. Each thread that
 * polls tasks calls {@link AsyncRuntime#enterWorker} once before its first task, so that {@code
 * Tasks.spawn} finds the runtime and {@code blockOn} refuses to run there.
 */
interface Scheduler {

  /**
   * Queues {@code task} to be run. Called at most once per wake-up: the task's state ensures a
   * task is never in a queue twice.
   *
   * @param task the task, in the SCHEDULED state
   */
  void schedule(Task<?> task);

  /**
   * Queues {@code task}, which woke itself while it was being polled ({@code Tasks.yieldNow()}, a
   * future that wakes its own waker): it goes behind every task that is ready now, so a task that
   * yields in a loop cannot starve the others, nor outside submissions.
   *
   * @param task the task, in the SCHEDULED state
   */
  default void scheduleYielded(Task<?> task) {
    schedule(task);
  }

  /**
   * Stops the worker threads, if any, once no task is left. Later schedules throw (the runtime
   * gives their task up); a current-thread runtime's scheduler gives up itself the tasks that wakes
   * from other threads queue from then on.
   */
  void stop();
}
