// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.util.Set;

/** Names the code that called into tinyrt, for error messages: class, method and File.java:line. */
public final class CallSite {

  private CallSite() {}

  /**
   * Returns the first caller on this thread's stack whose class is none of {@code skipped}.
   *
   * @param skipped the classes between the caller and the check (the API entry points)
   * @return e.g. {@code com.example.Shop.cartTotal (Shop.java:42)}, or "an unknown method"
   */
  public static String callerOutside(Class<?>... skipped) {
    Set<String> names = new java.util.HashSet<>();
    names.add(CallSite.class.getName());
    for (Class<?> c : skipped) {
      names.add(c.getName());
    }
    return StackWalker.getInstance()
        .walk(frames -> frames.filter(f -> !names.contains(f.getClassName())).findFirst())
        .map(CallSite::describe)
        .orElse("an unknown method");
  }

  /**
   * The packages of tinyrt's runtime: a frame in one of them is the library's, never the user's.
   * Exact names, not a prefix, so that code in other {@code dev.tinyrt} packages (the demos, the
   * tests of other modules) counts as the user's.
   */
  private static final Set<String> RUNTIME_PACKAGES = Set.of("dev.tinyrt", "dev.tinyrt.rt",
      "dev.tinyrt.sync", "dev.tinyrt.time", "dev.tinyrt.io", "dev.tinyrt.internal");

  /**
   * Returns the innermost frame on this thread's stack that is the user's: outside tinyrt's
   * runtime packages and the JDK. For errors raised deep inside the runtime (a socket refused by a
   * shut-down runtime, an operation that cannot wait), where the entry point is not one class.
   *
   * @return e.g. {@code com.example.Shop.serve (Shop.java:42)}, or null if every frame is the
   *     runtime's or the JDK's (a task polled by a worker with no user frame above the poll)
   */
  public static String userCode() {
    return StackWalker.getInstance()
        .walk(frames -> frames.filter(CallSite::isUsers).findFirst())
        .map(CallSite::describe)
        .orElse(null);
  }

  /**
   * Appends where the user's code is to a message, if a frame of it is on the stack.
   *
   * @param message the message
   * @param verb what the user's code did there, e.g. "opened in"
   * @return {@code message (verb com.example.Shop.serve (Shop.java:42))}, or the message alone
   */
  public static String withUserCode(String message, String verb) {
    String where = userCode();
    return where == null ? message : message + " (" + verb + " " + where + ")";
  }

  /** @return whether the frame is neither tinyrt's runtime nor the JDK */
  private static boolean isUsers(StackWalker.StackFrame frame) {
    String name = frame.getClassName();
    int dot = name.lastIndexOf('.');
    String pkg = dot < 0 ? "" : name.substring(0, dot);
    return !RUNTIME_PACKAGES.contains(pkg) && !name.startsWith("java.")
        && !name.startsWith("javax.") && !name.startsWith("jdk.") && !name.startsWith("sun.");
  }

  /** Renders a frame as {@code com.example.Shop.cartTotal (Shop.java:42)}. */
  static String describe(StackWalker.StackFrame frame) {
    String file = frame.getFileName();
    int line = frame.getLineNumber();
    String location = file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file;
    return frame.getClassName() + "." + frame.getMethodName() + " (" + location + ")";
  }
}
