// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.util.List;

/**
 * Where a failed task's outcome was awaited, added to its exception as a suppressed one: an
 * async stack trace stops at the task's edge (the awaiting task only polls a handle), so a failure
 * that another task awaited says where, as Kotlin's stack-trace recovery does:
 *
 * <pre>
 * java.lang.IllegalArgumentException: negative price -1
 *     at Shop.price(Shop.java:31)
 *     ...
 *     Suppressed: dev.tinyrt.internal.AwaitedAt: the outcome of Task@1b6d3586 was awaited at
 *         Shop.checkout (Shop.java:22)
 *         at Shop.checkout(Shop.java:22)
 *         ...
 * </pre>
 *
 * <p>Made only when a failure is delivered (nothing is recorded while things go well): the
 * awaiting code is on the delivering thread's stack then, since a handle is polled inline by the
 * awaiting frame (or by {@code blockOn}'s caller). Once per awaiting line per exception, and at
 * most {@link #MAX_PER_EXCEPTION} times, so an exception awaited in a loop does not grow.
 */
public final class AwaitedAt extends Exception {

  private static final long serialVersionUID = 1L;

  /** The most notes one exception gets. */
  static final int MAX_PER_EXCEPTION = 8;

  /** The most stack frames a note keeps. */
  static final int MAX_FRAMES = 32;

  /** The packages of the runtime itself, whose frames a note leaves out. */
  private static final List<String> RUNTIME_PACKAGES = List.of(
      "dev.tinyrt.rt.", "dev.tinyrt.internal.", "dev.tinyrt.sync.", "dev.tinyrt.time.",
      "dev.tinyrt.io.");

  private AwaitedAt(String message, StackTraceElement[] trace) {
    super(message, /* cause = */ null, /* enableSuppression = */ false,
        /* writableStackTrace = */ true);
    setStackTrace(trace);
  }

  /**
   * Notes on {@code failure} where {@code task}'s outcome is being awaited now (the caller's
   * stack, the runtime's own frames left out), unless that line was noted already.
   *
   * @param failure the failed task's exception, about to be rethrown to an awaiter
   * @param task the task, as it prints
   * @return {@code failure}
   */
  public static Throwable note(Throwable failure, Object task) {
    try {
      // The awaiting async methods' bodies (and the frames' polls between them), up to the poll
      // loop that runs them; for a blockOn of the handle, its caller's frames.
      StackTraceElement[] awaiting = StackWalker.getInstance().walk(frames -> frames
          .dropWhile(f -> isRuntime(f.getClassName()))
          .takeWhile(f -> !isRuntime(f.getClassName()) || isFrame(f.getClassName()))
          .filter(f -> !isFrame(f.getClassName()))
          .limit(MAX_FRAMES)
          .map(StackWalker.StackFrame::toStackTraceElement)
          .toArray(StackTraceElement[]::new));
      return noteAt(failure, task, awaiting);
    } catch (RuntimeException e) {
      // A note is a courtesy: never let it replace the failure.
      return failure;
    }
  }

  /**
   * Notes on {@code failure} that {@code task}'s outcome was awaited from {@code awaiting}, unless
   * its first line was noted already or the failure has its most notes.
   *
   * @param failure the failed task's exception
   * @param task the task, as it prints
   * @param awaiting the awaiting code's frames, innermost first
   * @return {@code failure}
   */
  static Throwable noteAt(Throwable failure, Object task, StackTraceElement[] awaiting) {
    try {
      if (awaiting.length == 0) {
        return failure;
      }
      StackTraceElement at = awaiting[0];
      Throwable[] earlier = failure.getSuppressed();
      int notes = 0;
      for (Throwable s : earlier) {
        if (s instanceof AwaitedAt a) {
          notes++;
          StackTraceElement[] t = a.getStackTrace();
          if (t.length > 0 && t[0].equals(at)) {
            return failure; // this line was noted already
          }
        }
      }
      if (notes < MAX_PER_EXCEPTION) {
        failure.addSuppressed(new AwaitedAt("the outcome of " + task + " was awaited at "
            + describe(at), awaiting));
      }
    } catch (RuntimeException e) {
      // Never let a note replace the failure (addSuppressed refuses some).
    }
    return failure;
  }

  /** Whether {@code className} is the runtime's, or an agent-generated frame's. */
  private static boolean isRuntime(String className) {
    if (isFrame(className)) {
      return true;
    }
    if (className.startsWith("dev.tinyrt.")
        && className.indexOf('.', "dev.tinyrt.".length()) < 0) {
      return true; // dev.tinyrt.Async, Future, Futures...
    }
    for (String p : RUNTIME_PACKAGES) {
      if (className.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code className} is an agent-generated frame class, whose poll only forwards. */
  private static boolean isFrame(String className) {
    // Host$method-Frame, or Host$method-Frame2 for an overload: no source class has a '-'.
    return className.indexOf("-Frame", className.lastIndexOf('.') + 1) >= 0;
  }

  /** {@code Shop.checkout (Shop.java:22)}. */
  private static String describe(StackTraceElement e) {
    String c = e.getClassName();
    String file = e.getFileName() == null ? "Unknown Source"
        : e.getLineNumber() >= 0 ? e.getFileName() + ":" + e.getLineNumber() : e.getFileName();
    return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName() + " (" + file + ")";
  }
}
