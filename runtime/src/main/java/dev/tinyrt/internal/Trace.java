// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import java.io.PrintStream;
import java.lang.reflect.Field;

/**
 * Prints the state transitions of rewritten frames when the agent runs with the {@code trace}
 * option; rewritten code calls {@link #event} only then. The messages are made by the agent at
 * rewrite time; a placeholder {@code {F}} stands for the runtime class of the frame's field {@code
 * F}, so a stored {@code Future} prints as what it really is ({@code Receiver}, say).
 */
public final class Trace {

  /** Where trace lines go; standard output, so they interleave with the program's own lines. */
  private static volatile PrintStream out = System.out;

  private Trace() {}

  /**
   * Prints one transition.
   *
   * @param frame the frame making it
   * @param message the line, with {@code {field}} placeholders
   */
  public static void event(Object frame, String message) {
    out.println("[tinyrt] " + render(frame, message));
  }

  /** Replaces each {@code {field}} by the simple class name of that field's value. */
  static String render(Object frame, String message) {
    StringBuilder line = new StringBuilder(message.length() + 32);
    int i = 0;
    while (i < message.length()) {
      int open = message.indexOf('{', i);
      int close = open < 0 ? -1 : message.indexOf('}', open);
      if (close < 0) {
        line.append(message, i, message.length());
        break;
      }
      line.append(message, i, open);
      line.append(runtimeType(frame, message.substring(open + 1, close)));
      i = close + 1;
    }
    return line.toString();
  }

  private static String runtimeType(Object frame, String fieldName) {
    try {
      Field field = frame.getClass().getDeclaredField(fieldName);
      field.setAccessible(true);
      Object value = field.get(frame);
      return value == null ? "null" : value.getClass().getSimpleName();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "?";
    }
  }

  /**
   * Redirects trace lines, for tests.
   *
   * @param stream the new destination
   */
  public static void redirect(PrintStream stream) {
    out = stream;
  }
}
