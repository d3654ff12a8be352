// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.util.Arrays;

/**
 * Which threads poll a runtime's tasks: a worker of a multi-threaded runtime for its whole life,
 * the thread driving a current-thread runtime while it drives; and which are tinyrt's own service
 * threads (the timer's, an I/O driver's, a clean-up's). Blocking on such a thread stops every task
 * queued behind it, or every sleep, (and deadlocks if the future waited for needs one of them), so
 * {@code blockOn} asks here first and refuses with a message that says what to do instead.
 */
public final class RuntimeThreads {

  /** What the current thread runs tasks for (the runtime's description), or null. */
  private static final ThreadLocal<String> RUNS_TASKS_OF = new ThreadLocal<>();

  /** What the current thread serves, if it is one of tinyrt's own (the timer's, say), or null. */
  private static final ThreadLocal<String> SERVES = new ThreadLocal<>();

  private RuntimeThreads() {}

  /**
   * Makes one of tinyrt's own daemon threads (the timer's, an I/O driver's, a clean-up's), not
   * started. Such a thread wakes wakers, and must run no user code that could block or take long:
   * every sleep of the JVM, say, waits while the timer's thread is busy. So {@code blockOn} and a
   * runtime's shutdown (with tasks live) are refused there, and an EA-style method woken there
   * resumes on a runtime's worker instead. (The give-up thread is not one: it exists to run user
   * clean-up, which may block, off these threads.)
   *
   * @param name the thread's name
   * @param serves what it serves, for messages ({@code "the JVM-wide timer"})
   * @param body what it runs
   * @return the thread, a daemon
   */
  public static Thread service(String name, String serves, Runnable body) {
    Thread t = new Thread(() -> {
      SERVES.set(serves);
      body.run();
    }, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * @return what the current thread serves, if it is one of tinyrt's own (made by {@link
   *     #service}), or null
   */
  public static String serves() {
    return SERVES.get();
  }

  /**
   * Marks the current thread as one that polls the tasks of {@code runtime}.
   *
   * @param runtime the runtime's description, for messages
   * @return the previous mark, to restore with {@link #restore}
   */
  public static String mark(String runtime) {
    String previous = RUNS_TASKS_OF.get();
    RUNS_TASKS_OF.set(runtime);
    return previous;
  }

  /**
   * Restores the mark {@link #mark} returned.
   *
   * @param previous the mark to restore, or null for none
   */
  public static void restore(String previous) {
    if (previous == null) {
      RUNS_TASKS_OF.remove();
    } else {
      RUNS_TASKS_OF.set(previous);
    }
  }

  /**
   * Throws if the current thread polls a runtime's tasks, or is one of tinyrt's own ({@link
   * #service}).
   *
   * @param call what the caller was about to do, for the message ({@code "Async.blockOn"})
   * @param entryPoints the API classes between the user's code and this check, skipped when
   *     naming the caller
   * @throws IllegalStateException on a runtime's thread or one of tinyrt's own
   */
  public static void refuseBlocking(String call, Class<?>... entryPoints) {
    String runtime = RUNS_TASKS_OF.get();
    String serves = SERVES.get();
    if (runtime == null && serves == null) {
      return;
    }
    // This class is between the user's code and the stack walk too.
    Class<?>[] skipped = Arrays.copyOf(entryPoints, entryPoints.length + 1);
    skipped[entryPoints.length] = RuntimeThreads.class;
    if (serves != null) {
      throw new IllegalStateException(
          call + " called in " + CallSite.callerOutside(skipped) + " on "
              + Thread.currentThread().getName() + ", a thread of tinyrt's own that serves "
              + serves + ": blocking here would stop it for everyone (and deadlock if the future "
              + "needs it). A waker runs here: keep Waker.wake() short, and block on a thread of "
              + "your own.");
    }
    if (runtime != null) {
      throw new IllegalStateException(
          call + " called in " + CallSite.callerOutside(skipped) + " on "
              + Thread.currentThread().getName() + ", a thread that runs the "
              + "tasks of " + runtime + ": blocking here would stop them (and deadlock if the "
              + "future needs one of them). Inside a task, await the future instead "
              + "(Async.await(future)); from other code, call blockOn on a thread of your own.");
    }
  }
}
