// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A JDK {@link CompletionStage} seen as a tinyrt {@link Future}: what {@code await(stage)} awaits.
 * Waiting blocks no thread. A {@link CompletableFuture} already done is read at once, with no
 * callback; otherwise the first pending poll joins the stage's {@link StageHub}, which registers
 * one completion callback per stage however many StageFutures await it. A failed stage throws its
 * original exception, unwrapped. Dropped (its await abandoned), it leaves the hub at once and holds
 * no waker.
 *
 * @param <T> the stage's value type
 */
public final class StageFuture<T> implements Future<T>, Droppable {

  /**
   * The class of {@link CompletableFuture#minimalCompletionStage()}'s stages: a CompletableFuture
   * whose {@code isDone} and {@code get} throw, so it takes the hub's way.
   */
  private static final Class<?> MINIMAL_STAGE =
      new CompletableFuture<Void>().minimalCompletionStage().getClass();

  /**
   * The stage awaited, until the first pending poll joins its hub: from then on only the hub is
   * asked, and the hub's list of waiters must not reach the stage (see {@link StageHub}).
   */
  private CompletionStage<T> stage;

  /** The stage's hub, once a poll found it not done (only the polling task writes it). */
  private StageHub hub;

  /** The previous waiter of the hub's list. Guarded by the hub. */
  StageFuture<?> prev;

  /** The next waiter of the hub's list. Guarded by the hub. */
  StageFuture<?> next;

  /** Whether it is in the hub's list of waiters. Guarded by the hub. */
  boolean linked;

  /** The waker of the last pending poll; null once woken or dropped. Guarded by the hub. */
  Waker waker;

  private StageFuture(CompletionStage<T> stage) {
    this.stage = stage;
  }

  /**
   * Returns a future of {@code stage}'s outcome. Nothing is registered until it is polled.
   *
   * @param stage the stage, not {@code null}
   * @param <T> its value type
   * @return a future that is ready when the stage completes
   */
  public static <T> Future<T> of(CompletionStage<T> stage) {
    if (stage == null) {
      throw new NullPointerException("Async.await(CompletionStage) was given null");
    }
    return new StageFuture<>(stage);
  }

  @Override
  public Poll<T> poll(Context cx) {
    StageHub h = hub;
    if (h == null) {
      // A CompletableFuture that is already done needs no callback and no hub.
      if (stage instanceof CompletableFuture<T> cf && cf.getClass() != MINIMAL_STAGE
          && cf.isDone()) {
        try {
          return Poll.ready(cf.get());
        } catch (ExecutionException e) {
          throw Sneaky.rethrow(StageHub.unwrap(e.getCause()));
        } catch (InterruptedException e) {
          // Not reachable for a done future; keep the interrupt and take the hub's way.
          Thread.currentThread().interrupt();
        }
      }
      hub = h = StageHub.of(stage);
      stage = null;
    }
    return h.poll(this, cx.waker());
  }

  @Override
  public void drop() {
    StageHub h = hub;
    if (h != null) {
      h.leave(this);
    }
  }
}
