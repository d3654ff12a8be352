// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/**
 * Renders a user's object for a diagnostic (a task dump) when its {@code toString} may throw: its
 * entry says so instead of the whole report failing. A dump is what a user reads when something
 * hangs; one broken future must not take it away.
 */
public final class SafeText {

  private SafeText() {}

  /**
   * @param o the object, may be null
   * @return {@code String.valueOf(o)}, or {@code <com.example.F.toString() threw
   *     java.lang.IllegalStateException>} if its {@code toString} threw
   */
  public static String of(Object o) {
    try {
      return String.valueOf(o);
    } catch (Throwable broken) {
      // The class names only: the exception's own text is the user's code too.
      return "<" + o.getClass().getName() + ".toString() threw " + broken.getClass().getName()
          + ">";
    }
  }
}
