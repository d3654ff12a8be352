// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import java.time.Duration;

/** Thrown by a {@link Timer#timeout} future when its deadline passes before its future is ready. */
public final class Elapsed extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param after the timeout that elapsed
   */
  public Elapsed(Duration after) {
    super("deadline elapsed: the future was not ready after " + after);
  }
}
