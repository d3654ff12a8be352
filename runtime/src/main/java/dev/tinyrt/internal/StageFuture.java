// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A JDK {@link CompletionStage} seen as a tinyrt {@link Future}: what {@code await(stage)} awaits.
 * Waiting blocks no thread: on the first pending poll a completion callback is registered that
 * wakes the latest waker. A failed stage throws its original exception, unwrapped.
 *
 * @param <T> the stage's value type
 */
public final class StageFuture<T> implements Future<T> {

  /** The stage awaited. */
  private final CompletionStage<T> stage;

  /** The waker of the last pending poll; the completion callback wakes it. */
  private volatile Waker waker;

  /** Whether the completion callback was registered (only the polling task writes it). */
  private boolean callbackRegistered;

  /** Set by the completion callback: the outcome, published by the write of {@link #done}. */
  private T value;

  /** The failure, if the stage failed. */
  private Throwable failure;

  /** Written last by the completion callback. */
  private volatile boolean done;

  private StageFuture(CompletionStage<T> stage) {
    this.stage = stage;
  }

  /**
   * Returns a future of {@code stage}'s outcome.
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
    // A CompletableFuture that is already done needs no callback.
    if (!callbackRegistered && stage instanceof CompletableFuture<T> cf && cf.isDone()) {
      try {
        return Poll.ready(cf.get());
      } catch (ExecutionException e) {
        throw Sneaky.rethrow(unwrap(e.getCause()));
      } catch (InterruptedException e) {
        // Not reachable for a done future; keep the interrupt and fall through to the callback.
        Thread.currentThread().interrupt();
      }
    }
    if (done) {
      return outcome();
    }
    waker = cx.waker();
    if (!callbackRegistered) {
      callbackRegistered = true;
      stage.whenComplete(this::complete);
    }
    // Ordering: the callback writes done after reading waker; if it ran before our write of waker
    // it set done first, which this second read sees.
    return done ? outcome() : Poll.pending();
  }

  private void complete(T v, Throwable e) {
    value = v;
    failure = e == null ? null : unwrap(e);
    done = true;
    Waker w = waker;
    if (w != null) {
      w.wake();
    }
  }

  private Poll<T> outcome() {
    if (failure != null) {
      throw Sneaky.rethrow(failure);
    }
    return Poll.ready(value);
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
