// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

/** Rethrows any throwable, checked or not, unchanged and unwrapped. */
public final class Sneaky {

  private Sneaky() {}

  /**
   * Throws {@code t} as it is. Declared to return an exception so callers can write {@code throw
   * Sneaky.rethrow(t)} and keep the compiler's flow analysis.
   *
   * @param t the throwable
   * @return never
   */
  public static RuntimeException rethrow(Throwable t) {
    throw Sneaky.<RuntimeException>as(t);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E as(Throwable t) throws E {
    throw (E) t;
  }
}
