// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.internal.StageFuture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Combinators: wait for all of several futures, or for the first of them; and JDK stages as
 * futures.
 *
 * <pre>{@code
 * List<Long> prices = await(Futures.joinAll(socksPrice(), shoesPrice()));
 * Futures.Selected<String> first = await(Futures.select(List.of(primary(), mirror())));
 * }</pre>
 *
 * <p>A combinator polls its futures in order on every poll. When one fails, or when {@code
 * select} has its winner, the others are abandoned: an async method is unwound (its {@code
 * finally} blocks run), a {@link Droppable} is dropped. A combinator polled by a cancelled task
 * passes the cancellation on to the futures it waits for.
 */
public final class Futures {

  private Futures() {}

  /**
   * Returns a future of every value, in order, once all are ready; the first failure fails it
   * and abandons the rest.
   *
   * @param futures the futures
   * @param <T> their value type
   * @return a new future
   */
  @SafeVarargs
  public static <T> Future<List<T>> joinAll(Future<? extends T>... futures) {
    return joinAll(Arrays.asList(futures));
  }

  /**
   * Returns a future of every value, in order, once all are ready; the first failure fails it
   * and abandons the rest.
   *
   * @param futures the futures
   * @param <T> their value type
   * @return a new future
   */
  public static <T> Future<List<T>> joinAll(List<? extends Future<? extends T>> futures) {
    return new JoinAll<>(new ArrayList<>(futures));
  }

  /**
   * Returns a future of the first future to be ready (or to fail), with its index; the others are
   * abandoned. Futures are polled in list order, so an earlier one wins a tie.
   *
   * @param futures at least one future
   * @param <T> their value type
   * @return a new future
   */
  public static <T> Future<Selected<T>> select(List<? extends Future<? extends T>> futures) {
    if (futures.isEmpty()) {
      throw new IllegalArgumentException("select needs at least one future");
    }
    return new Select<>(new ArrayList<>(futures));
  }

  /**
   * Returns a future of the value of the first future to be ready; the others are abandoned.
   *
   * @param futures at least one future
   * @param <T> their value type
   * @return a new future
   */
  @SafeVarargs
  public static <T> Future<T> race(Future<? extends T>... futures) {
    Future<Selected<T>> select = select(Arrays.asList(futures));
    return new Race<>(select);
  }

  /**
   * Returns a {@code CompletionStage} as a future: awaiting it blocks no thread, and a failed
   * stage throws its original exception. (Inside async methods {@code await(stage)} does this.)
   *
   * @param stage the stage
   * @param <T> its value type
   * @return a new future
   */
  public static <T> Future<T> fromStage(CompletionStage<T> stage) {
    return StageFuture.of(stage);
  }

  /**
   * The winner of a {@link #select}.
   *
   * @param index its position in the list
   * @param value its value
   * @param <T> the value type
   */
  public record Selected<T>(int index, T value) {}

  /** Abandons every future of {@code futures} not marked done, but {@code except}. */
  private static void abandonOthers(List<? extends Future<?>> futures, boolean[] done, int except) {
    for (int i = 0; i < futures.size(); i++) {
      if (i != except && !done[i]) {
        done[i] = true;
        Cancellation.abandon(futures.get(i));
      }
    }
  }

  /** Polls future {@code i}; if it throws, abandons every other unfinished one, then rethrows. */
  private static <T> Poll<? extends T> pollOrAbandonOthers(
      List<Future<? extends T>> futures, boolean[] done, int i, Context cx) {
    try {
      return futures.get(i).poll(cx);
    } catch (RuntimeException | Error e) {
      done[i] = true;
      abandonOthers(futures, done, i);
      throw e;
    }
  }

  /** {@link #joinAll}. */
  private static final class JoinAll<T> implements Future<List<T>>, ForwardsCancellation {
    private final List<Future<? extends T>> futures;
    private final Object[] values;
    private final boolean[] done;
    private int remaining;

    JoinAll(List<Future<? extends T>> futures) {
      this.futures = futures;
      this.values = new Object[futures.size()];
      this.done = new boolean[futures.size()];
      this.remaining = futures.size();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<List<T>> poll(Context cx) {
      for (int i = 0; i < futures.size(); i++) {
        if (done[i]) {
          continue;
        }
        Poll<? extends T> p = pollOrAbandonOthers(futures, done, i, cx);
        if (p.isReady()) {
          values[i] = p.get();
          done[i] = true;
          remaining--;
        }
      }
      return remaining == 0 ? Poll.ready((List<T>) Arrays.asList(values)) : Poll.pending();
    }
  }

  /** {@link #select}. */
  private static final class Select<T> implements Future<Selected<T>>, ForwardsCancellation {
    private final List<Future<? extends T>> futures;
    private final boolean[] done;

    Select(List<Future<? extends T>> futures) {
      this.futures = futures;
      this.done = new boolean[futures.size()];
    }

    @Override
    public Poll<Selected<T>> poll(Context cx) {
      for (int i = 0; i < futures.size(); i++) {
        Poll<? extends T> p = pollOrAbandonOthers(futures, done, i, cx);
        if (p.isReady()) {
          done[i] = true;
          abandonOthers(futures, done, i);
          return Poll.ready(new Selected<>(i, p.get()));
        }
      }
      return Poll.pending();
    }
  }

  /** {@link #race}: a select without the index. */
  private record Race<T>(Future<Selected<T>> select) implements Future<T>, ForwardsCancellation {
    @Override
    public Poll<T> poll(Context cx) {
      Poll<Selected<T>> p = select.poll(cx);
      return p.isPending() ? Poll.pending() : Poll.ready(p.get().value());
    }
  }
}
