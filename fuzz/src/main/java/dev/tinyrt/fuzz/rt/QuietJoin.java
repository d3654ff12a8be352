// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.ForgetsWaker;
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

  /** The waker of the last pending poll, registered with the handle. */
  private Waker waker;

  QuietJoin(JoinHandle<Long> handle) {
    this.handle = handle;
  }

  @Override
  public Poll<Long> poll(Context cx) {
    try {
      if (handle.poll(cx).isReady()) {
        return Poll.ready(0L);
      }
      waker = cx.waker();
      return Poll.pending();
    } catch (RuntimeException ended) {
      return Poll.ready(-1L);
    }
  }

  @Override
  public void drop() {
    // The handle is shared with other awaiters: take back only our waker, then wake it once, as
    // Cancellation.abandonLeaf does: the same task may await the handle elsewhere with that waker.
    if (waker != null && handle instanceof ForgetsWaker shared) {
      shared.forget(waker);
      waker.wake();
    }
  }
}
