// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.internal.RuntimeThreads;
import java.lang.System.Logger.Level;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports a task that failed and was garbage-collected without anyone ever seeing its failure: a
 * spawned task whose handle was dropped (a connection handler in an accept loop, say) otherwise
 * fails with no trace anywhere, and the bug behind it goes unnoticed. Python's asyncio reports
 * "Task exception was never retrieved" the same way, when the task is collected: until then
 * somebody may still await the handle.
 *
 * <p>A task that fails (with anything but a {@code CancelledException}: a cancellation, its own or
 * one it passed on from an awaited task, is never reported) is watched by a phantom reference,
 * which holds the failure, not the task: even when somebody awaits it then, since a waiter woken
 * may never look (a select that another child won, a joinAll that threw another's failure).
 * Handing the failure out (an await, a stage, {@code isFailed()}) marks it seen and stops the watch
 * (the reference is cleared, never enqueued); when the collector enqueues the reference of a task
 * whose failure was never seen, a daemon thread (started by the first watch) logs it, with its
 * stack trace, to the {@code System.Logger} named {@code dev.tinyrt} at WARNING. Ordering: the
 * watch writes {@code Failure.watch} then reads {@code seen}, and a sight writes {@code seen} then
 * reads {@code watch}, all volatile: of a watch and a sight that race, at least one sees the
 * other, and the watch is stopped. A task that succeeds or is cancelled costs nothing here; one
 * that fails, a reference until its failure is seen. An exception that refers to its own task,
 * never seen, keeps the task (and is never reported): Java exceptions rarely do.
 */
final class UnseenFailures {

  /** Where the collector puts the references of watched tasks. */
  private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();

  /** The references not enqueued and handled yet: keeps them reachable until then. */
  private static final Set<Watch> PENDING = ConcurrentHashMap.newKeySet();

  /** Whether the reporting thread was started: on the first watch, not before. */
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private UnseenFailures() {}

  /** A failed task's phantom reference, holding what to report. */
  private static final class Watch extends PhantomReference<Object> {
    /** The task's failure, and whether it was seen. */
    private final Task.Failure failure;

    /**
     * The task's identity hash, as {@link Task#toString} prints it: the text is made only for a
     * report, not for every failure watched (most are seen, and never reported).
     */
    private final int task;

    /** The task's runtime's name. */
    private final String runtime;

    Watch(Task<?> task, Task.Failure failure) {
      super(task, COLLECTED);
      this.failure = failure;
      this.task = System.identityHashCode(task);
      this.runtime = task.runtimeName();
    }
  }

  /**
   * Watches a task that just failed (with anything but a {@code CancelledException}), until its
   * failure is seen.
   *
   * @param task the task
   * @param failure its failure, marked seen when handed out
   */
  static void watch(Task<?> task, Task.Failure failure) {
    try {
      startReporting();
      Watch w = new Watch(task, failure);
      PENDING.add(w);
      failure.watch = w;
      if (failure.seen) {
        unwatch(w); // seen while this was on its way
      }
    } catch (Throwable e) {
      // A report is a courtesy: it never fails the task's completion (no thread left to start,
      // say), which has set COMPLETE already.
    }
  }

  /** Starts the reporting thread, once; a start that failed is tried again by the next watch. */
  private static void startReporting() {
    if (STARTED.get() || !STARTED.compareAndSet(false, true)) {
      return;
    }
    try {
      RuntimeThreads.service("tinyrt-unseen-failures", "the reports of failures nobody saw",
          UnseenFailures::reportForever).start();
    } catch (Throwable e) {
      STARTED.set(false);
      throw e;
    }
  }

  /**
   * Stops a watch whose failure was seen, so that it keeps nothing (an exception that refers to
   * its own task would otherwise keep the task for as long as the watch).
   *
   * @param watch the reference {@link #watch} made
   */
  static void unwatch(Object watch) {
    Watch w = (Watch) watch;
    PENDING.remove(w);
    w.clear();
  }

  /**
   * For tests.
   *
   * @param task a task
   * @return whether its failure is watched now
   */
  static boolean isWatched(Task<?> task) {
    return PENDING.stream().anyMatch(w -> w.refersTo(task));
  }

  private static void reportForever() {
    while (true) {
      Watch w;
      try {
        w = (Watch) COLLECTED.remove();
      } catch (InterruptedException e) {
        return;
      }
      try {
        report(w);
      } catch (Throwable broken) {
        // The user's exception (its toString, say) or the logger threw: this report is lost, the
        // next ones are not (a dead thread would leave every later watch pending for ever).
        PENDING.remove(w);
      }
    }
  }

  private static void report(Watch w) {
    if (!PENDING.remove(w) || w.failure.seen) {
      return; // unwatched meanwhile: its failure was seen
    }
    // The exception's class, not its toString: the user's code, which may throw (the stack trace
    // the logger prints has its message).
    System.getLogger("dev.tinyrt").log(Level.WARNING, "a task failed and nobody saw it: "
        + "Task@" + Integer.toHexString(w.task) + " (finished) of runtime " + w.runtime + " threw "
        + w.failure.cause().getClass().getName() + ", and its JoinHandle was garbage-collected"
        + " without its failure being seen (a task spawned and forgotten, or an await of it that"
        + " a select or joinAll gave up). Await or join the handle, or catch and handle the"
        + " exception inside the task.", w.failure.cause());
  }
}
