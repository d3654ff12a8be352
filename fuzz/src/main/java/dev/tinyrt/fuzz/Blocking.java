// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import dev.tinyrt.Async;
import dev.tinyrt.Future;

/** The reference form of {@code await}: a plain blocking wait, no rewriting involved. */
public final class Blocking {

  private Blocking() {}

  /**
   * Waits for {@code future} on this thread.
   *
   * @param future the future
   * @param <T> its value type
   * @return its value
   */
  public static <T> T await(Future<T> future) {
    return Async.blockOn(future);
  }
}
