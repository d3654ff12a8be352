// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.internal.ForwardsCancellation;
import java.time.Duration;

/** {@link Timer#timeout}: the future races its deadline; losing, it is abandoned. */
final class Timeout<T> implements Future<T>, ForwardsCancellation {

  private final Future<T> future;
  private final Future<Void> deadline;
  private final Duration after;

  Timeout(Future<T> future, Future<Void> deadline, Duration after) {
    this.future = future;
    this.deadline = deadline;
    this.after = after;
  }

  @Override
  public Poll<T> poll(Context cx) {
    Poll<T> result;
    try {
      result = future.poll(cx);
    } catch (RuntimeException | Error e) {
      ((Droppable) deadline).drop();
      throw e;
    }
    if (result.isReady()) {
      ((Droppable) deadline).drop();
      return result;
    }
    if (deadline.poll(cx).isReady()) {
      Cancellation.abandon(future);
      throw new Elapsed(after);
    }
    return Poll.pending();
  }
}
