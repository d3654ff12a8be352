// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;

/**
 * Pending {@code count} times, waking itself each time: the driver blocks on it to let a
 * current-thread runtime run about {@code count} tasks (one between two polls of the main future).
 */
final class Yields implements Future<Void> {

  /** Pending polls left. */
  private int left;

  Yields(int count) {
    this.left = count;
  }

  @Override
  public Poll<Void> poll(Context cx) {
    if (left == 0) {
      return Poll.ready(null);
    }
    left--;
    cx.waker().wake();
    return Poll.pending();
  }
}
