// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;

/** How cancellation reaches an await. Called by rewritten frames when they resume. */
public final class Cancellation {

  /** The context a combinator polls an abandoned future with, once, to let it unwind. */
  private static final Context CANCELLED = Context.from(Waker.noop(), () -> true);

  private Cancellation() {}

  /**
   * Called when a frame resumes at an await whose future is {@code awaited}: if the task was
   * cancelled and that future is a leaf, drops it and throws {@link CancelledException} at the
   * await; a frame or combinator is returned to be polled, and cancels its own awaits.
   *
   * @param awaited the future the frame was parked on
   * @param cx the task's context
   * @return {@code awaited}, to poll
   */
  public static Future<?> checkBeforePoll(Future<?> awaited, Context cx) {
    if (cx.isCancelled() && !(awaited instanceof ForwardsCancellation)) {
      if (awaited instanceof Droppable droppable) {
        droppable.drop();
      }
      throw new CancelledException(
          "the task was cancelled while it waited here (JoinHandle.abort(), a lost race, a "
              + "timeout or the runtime's shutdown)");
    }
    return awaited;
  }

  /**
   * Abandons {@code future}, which its awaiter no longer wants: a frame or combinator is polled
   * once with a cancelled context so its {@code finally} blocks run; a {@link Droppable} is
   * dropped.
   *
   * @param future the abandoned future
   */
  public static void abandon(Future<?> future) {
    if (future instanceof ForwardsCancellation) {
      try {
        future.poll(CANCELLED);
      } catch (CancelledException expected) {
        // It unwound to its top, as it should.
      } catch (RuntimeException failure) {
        // It failed while unwinding, and its awaiter is gone: nobody else can report it.
        System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING,
            "an abandoned future failed while it unwound after its cancellation", failure);
      }
    } else if (future instanceof Droppable droppable) {
      droppable.drop();
    }
  }
}
