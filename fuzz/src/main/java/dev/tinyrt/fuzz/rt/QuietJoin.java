// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.rt.JoinHandle;

/**
 * Waits for a task to end without taking its outcome: 0 if it returned, -1 if it threw or was
 * cancelled. A leaf, so a cancelled awaiter drops it instead of catching the cancellation (an
 * {@code await(handle)} in a {@code try/catch (CancelledException)} could not tell the child's
 * cancellation from its own).
 */
final class QuietJoin implements Future<Long>, Droppable {

  /** The task waited for. */
  private final JoinHandle<Long> handle;

  QuietJoin(JoinHandle<Long> handle) {
    this.handle = handle;
  }

  @Override
  public Poll<Long> poll(Context cx) {
    try {
      return handle.poll(cx).isReady() ? Poll.ready(0L) : Poll.pending();
    } catch (RuntimeException ended) {
      return Poll.ready(-1L);
    }
  }

  @Override
  public void drop() {
    // The handle keeps our waker until the task ends, unless it can be dropped too.
    if (handle instanceof Droppable droppable) {
      droppable.drop();
    }
  }
}
