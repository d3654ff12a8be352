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

  /** Renders a frame as {@code com.example.Shop.cartTotal (Shop.java:42)}. */
  static String describe(StackWalker.StackFrame frame) {
    String file = frame.getFileName();
    int line = frame.getLineNumber();
    String location = file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file;
    return frame.getClassName() + "." + frame.getMethodName() + " (" + location + ")";
  }
}
