// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.internal.ChildFutures;
import dev.tinyrt.internal.DiscardsOwnValue;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.internal.LateOutcome;
import dev.tinyrt.internal.Sneaky;
import java.time.Duration;
import java.util.List;

/**
 * {@link Timer#timeout}: the future races its deadline. Losing, it is cancelled, and {@link
 * Elapsed} is thrown once it finished unwinding. A {@code Futures.nonCancellable} section given to
 * the timeout cannot be cancelled: it is waited for, and whatever it ends with, a value or an
 * exception, is the outcome, late (a message received in it is not lost). Winning, the deadline's
 * sleep leaves the timer.
 */
final class Timeout<T>
    implements Future<T>, ForwardsCancellation, DiscardsOwnValue, LateOutcome {

  /** Child 0: the future; child 1: the deadline's sleep. */
  private static final int FUTURE = 0;

  /** The index of the deadline's sleep among the children. */
  private static final int DEADLINE = 1;

  /** The future and the deadline. */
  private final ChildFutures children;

  /** The limit, for the message. */
  private final Duration after;

  /** Set once the deadline passed first: the future is being cancelled. */
  private boolean elapsed;

  /** Set once the task polling this was cancelled: both children are being cancelled. */
  private boolean cancelled;

  /** Set once this returned or threw. */
  private boolean finished;

  /** Set once this finished with its section's outcome after it was cancelled or elapsed. */
  private boolean finishedLate;

  Timeout(Future<T> future, Future<Void> deadline, Duration after) {
    this.children = new ChildFutures(List.of(future, deadline));
    // Only a section, or a combinator that finished with one late (LateOutcome): an async method
    // that returns a value after its cancellation (one that caught it) still ends in Elapsed.
    this.children.rescueFirstSection();
    this.after = after;
  }

  @Override
  public Poll<T> poll(Context cx) {
    ChildFutures.refusePollAfterCompletion(finished, "Timer.timeout");
    if (!elapsed && !cancelled) {
      if (cx.isCancelled()) {
        cancelled = true;
      } else {
        Poll<T> result;
        try {
          result = children.poll(FUTURE, cx);
        } catch (Throwable t) {
          finish(cx);
          throw t;
        }
        if (result.isReady()) {
          finish(cx);
          return result;
        }
        if (children.poll(DEADLINE, cx).isPending()) {
          return Poll.pending();
        }
        elapsed = true;
      }
    }
    // The deadline passed, or the task was cancelled: the future unwinds before we report it.
    if (!children.cancelAllBut(-1, cx)) {
      return Poll.pending();
    }
    finished = true;
    // A non-cancellable section's outcome, whichever came first, the deadline or the task's
    // cancellation: as an await of the section would have had it (a cancelled task throws at its
    // next await; a value that is a Grant, its try-with-resources closes).
    @SuppressWarnings("unchecked")
    Poll<T> late = (Poll<T>) children.rescued();
    Throwable lateFailure = children.rescuedFailure();
    finishedLate = late != null || lateFailure != null;
    if (late != null) {
      return late;
    }
    if (lateFailure != null) {
      throw Sneaky.rethrow(lateFailure);
    }
    throw cancelled ? Cancellation.cancelled("in a timeout") : new Elapsed(after);
  }

  /** For task dumps: the limit, and the future it bounds (which may say what it waits on). */
  @Override
  public String toString() {
    return "Timer.timeout after " + after + (elapsed ? " (elapsed: unwinding)" : "");
  }

  @Override
  public boolean discardValue(Object value) {
    return children.discard(FUTURE, value);
  }

  @Override
  public boolean finishedLate() {
    return finishedLate;
  }

  /** The future finished first: the deadline leaves the timer at once. */
  private void finish(Context cx) {
    finished = true;
    children.cancelAllBut(FUTURE, cx);
  }
}
