// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.internal.ChildFutures;
import dev.tinyrt.internal.DiscardsOwnValue;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.internal.LateOutcome;
import dev.tinyrt.internal.Sneaky;
import dev.tinyrt.internal.StageFuture;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
 * select} has its winner, the others are cancelled, and the combinator reports its outcome once
 * they have finished unwinding: an async method gets {@link CancelledException} at its await (its
 * {@code finally} blocks run, clean-up awaits inside {@link #nonCancellable} included), a leaf
 * gives back what it held (a place in a queue, a permit, a lock), and a future never polled is not
 * started. A combinator polled by a cancelled task cancels all its futures the same way, then
 * throws {@link CancelledException}. Values nobody will see (a failed {@code joinAll}'s) that hold
 * a permit or a lock are given back, also inside a combinator's own value (a {@code joinAll}'s
 * list, a {@code select}'s {@link Selected}), and a stream that an {@code accept} or a {@code
 * connect} made (one that finished beside a sibling that failed) is closed; a stream that came
 * from elsewhere ({@code Future.ready(stream)}, a shared handle, a method of yours) is left alone.
 *
 * <p>A {@link #nonCancellable} section given to a combinator is waited for when the combinator
 * gives up on it. A cancelled {@code select} (or {@code race}) returns the first section to
 * finish as its winner, late, or throws what it threw, as {@code Timer.timeout} does: a message
 * received in it is not lost. A combinator that ended so (a timeout around the section, an inner
 * select) counts as a section for the combinator around it. A section's value that nobody can be
 * given (it lost to another child, or its {@code joinAll} failed or was cancelled) is given back
 * if it holds a permit or a lock, and otherwise dropped with a warning in the log: await a
 * section that receives on its own.
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
    return new JoinAll<>(futures);
  }

  /**
   * Returns a future of the first future to be ready (or to fail), with its index; the others are
   * abandoned. Futures are polled in list order, so an earlier one wins a tie: one that is always
   * ready starves those after it (a receive from a channel that never runs dry listed before an
   * interval's tick: the tick never wins). List the rarer or more urgent one first.
   *
   * @param futures at least one future
   * @param <T> their value type
   * @return a new future
   */
  public static <T> Future<Selected<T>> select(List<? extends Future<? extends T>> futures) {
    if (futures.isEmpty()) {
      throw new IllegalArgumentException("select needs at least one future");
    }
    return new Select<>(futures);
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
    return new Race<>((Select<T>) select(Arrays.asList(futures)));
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
   * Returns {@code future} as a non-cancellable section: its awaits complete even when the task
   * awaiting it is cancelled. For clean-up that must finish in a {@code finally} of a task that may
   * be cancelled (an await there would otherwise throw {@link CancelledException} at once):
   *
   * <pre>{@code
   * try { ... } finally { await(Futures.nonCancellable(connection.closeGracefully())); }
   * }</pre>
   *
   * A cancelled task, or a combinator cancelling its children, waits for the section to finish
   * (see the class comment for what happens to its value there). A section is awaited once: polled
   * again after it completed, it throws {@link IllegalStateException}.
   *
   * @param future the section
   * @param <T> its value type
   * @return a new future
   */
  public static <T> Future<T> nonCancellable(Future<T> future) {
    return Cancellation.nonCancellable(Objects.requireNonNull(future, "future"));
  }

  /**
   * The winner of a {@link #select}.
   *
   * @param index its position in the list
   * @param value its value
   * @param <T> the value type
   */
  public record Selected<T>(int index, T value) {}

  /** {@link #joinAll}. */
  private static final class JoinAll<T>
      implements Future<List<T>>, ForwardsCancellation, DiscardsOwnValue {

    /** The children. */
    private final ChildFutures children;

    /** The values of the children that are ready, by index. */
    private final Object[] values;

    /** The first failure, once a child failed: the others are being cancelled. */
    private Throwable failure;

    /** Set once the task polling this was cancelled: every child is being cancelled. */
    private boolean cancelled;

    /** Set once this returned or threw. */
    private boolean finished;

    JoinAll(List<? extends Future<? extends T>> futures) {
      this.children = new ChildFutures(futures);
      this.values = new Object[futures.size()];
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<List<T>> poll(Context cx) {
      ChildFutures.refusePollAfterCompletion(finished, "Futures.joinAll");
      if (failure == null && !cancelled) {
        if (cx.isCancelled()) {
          cancelled = true;
        } else {
          // Poll every unfinished child in order; the first failure cancels the others.
          for (int i = 0; i < children.size() && failure == null; i++) {
            if (children.isDone(i)) {
              continue;
            }
            try {
              Poll<T> p = children.poll(i, cx);
              if (p.isReady()) {
                values[i] = p.get();
              }
            } catch (Throwable t) {
              failure = t;
            }
          }
          if (failure == null) {
            if (!children.allDone()) {
              return Poll.pending();
            }
            finished = true;
            return Poll.ready((List<T>) Arrays.asList(values));
          }
        }
      }
      // Failing or cancelled: unwind every unfinished child before reporting.
      if (!children.cancelAllBut(-1, cx)) {
        return Poll.pending();
      }
      finished = true;
      for (int i = 0; i < values.length; i++) {
        children.discard(i, values[i]);
        values[i] = null;
      }
      throw failure != null ? Sneaky.rethrow(failure) : Cancellation.cancelled("in joinAll");
    }

    /** For task dumps. */
    @Override
    public String toString() {
      return "Futures.joinAll of " + children.describe();
    }

    @Override
    public boolean discardValue(Object value) {
      boolean gaveBack = false;
      if (value instanceof List<?> list && list.size() == children.size()) {
        for (int i = 0; i < list.size(); i++) {
          gaveBack |= children.discard(i, list.get(i));
        }
      }
      return gaveBack;
    }
  }

  /** {@link #select}. */
  private static final class Select<T>
      implements Future<Selected<T>>, ForwardsCancellation, DiscardsOwnValue, LateOutcome {

    /** The children. */
    private final ChildFutures children;

    /** The index of the first child to finish, or -1 while none did. */
    private int winner = -1;

    /** The winner's value. */
    private T value;

    /** The winner's failure, if it threw. */
    private Throwable failure;

    /** Set once the task polling this was cancelled before a winner: every child is cancelled. */
    private boolean cancelled;

    /** Set once this returned or threw. */
    private boolean finished;

    /** Set once this finished, cancelled, with a non-cancellable section's outcome. */
    private boolean finishedLate;

    Select(List<? extends Future<? extends T>> futures) {
      this.children = new ChildFutures(futures);
    }

    @Override
    public Poll<Selected<T>> poll(Context cx) {
      ChildFutures.refusePollAfterCompletion(finished, "Futures.select");
      if (winner < 0 && !cancelled) {
        if (cx.isCancelled()) {
          cancelled = true;
        } else {
          // Poll in order: an earlier child wins a tie.
          for (int i = 0; i < children.size() && winner < 0; i++) {
            try {
              Poll<T> p = children.poll(i, cx);
              if (p.isReady()) {
                winner = i;
                value = p.get();
              }
            } catch (Throwable t) {
              winner = i;
              failure = t;
            }
          }
          if (winner < 0) {
            return Poll.pending();
          }
        }
      }
      // The losers (or, cancelled, every child) unwind before the outcome is reported.
      if (cancelled) {
        // A non-cancellable section that finishes as it unwinds is the first child to finish:
        // its outcome is the select's, late, as a timeout's is (a message it received is kept).
        children.rescueFirstSection();
      }
      if (!children.cancelAllBut(winner, cx)) {
        return Poll.pending();
      }
      finished = true;
      if (cancelled) {
        @SuppressWarnings("unchecked")
        Poll<T> late = (Poll<T>) children.rescued();
        Throwable lateFailure = children.rescuedFailure();
        finishedLate = late != null || lateFailure != null;
        if (late != null) {
          return Poll.ready(new Selected<>(children.rescuedIndex(), late.get()));
        }
        throw lateFailure != null
            ? Sneaky.rethrow(lateFailure)
            : Cancellation.cancelled("in select");
      }
      if (failure != null) {
        throw Sneaky.rethrow(failure);
      }
      T v = value;
      value = null;
      return Poll.ready(new Selected<>(winner, v));
    }

    /** For task dumps. */
    @Override
    public String toString() {
      return "Futures.select of " + children.describe();
    }

    @Override
    public boolean finishedLate() {
      return finishedLate;
    }

    @Override
    public boolean discardValue(Object value) {
      return value instanceof Selected<?> s && s.index() >= 0 && s.index() < children.size()
          && children.discard(s.index(), s.value());
    }
  }

  /** {@link #race}: a select without the index. */
  private static final class Race<T>
      implements Future<T>, ForwardsCancellation, DiscardsOwnValue, LateOutcome {

    /** The select that does the work. */
    private final Select<T> select;

    /** The winner's index once the select returned, to give its value back; or -1. */
    private int winner = -1;

    /** Set once this returned or threw. */
    private boolean finished;

    Race(Select<T> select) {
      this.select = select;
    }

    @Override
    public Poll<T> poll(Context cx) {
      ChildFutures.refusePollAfterCompletion(finished, "Futures.race");
      Poll<Selected<T>> p;
      try {
        p = select.poll(cx);
      } catch (Throwable t) {
        finished = true;
        throw t;
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      finished = true;
      winner = p.get().index();
      return Poll.ready(p.get().value());
    }

    /** For task dumps: the select that does the work, named a race. */
    @Override
    public String toString() {
      return "Futures.race of " + select.children.describe();
    }

    @Override
    public boolean finishedLate() {
      return select.finishedLate();
    }

    @Override
    public boolean discardValue(Object value) {
      return winner >= 0 && select.discardValue(new Selected<>(winner, value));
    }
  }
}
