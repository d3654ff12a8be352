// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.List;

/**
 * The children of a combinator ({@code joinAll}, {@code select}, {@code race}, {@code timeout}),
 * and the one way they are polled, cancelled and abandoned: a fix to abandonment lands here once.
 *
 * <p>Each child moves through three states:
 *
 * <pre>
 *   NEW --poll--> POLLED --ready or threw--> DONE
 *    |              |
 *    |              +--cancel: a leaf is dropped at once; a frame or combinator is polled with a
 *    |                 cancelled context until it finishes unwinding (its finally blocks run,
 *    |                 clean-up awaits in a non-cancellable section included)--> DONE
 *    +--cancel: never polled, no code of it ran: forgotten, never polled--> DONE
 * </pre>
 *
 * <p>A DONE child's future is let go, so a finished child keeps nothing alive, but for two kinds
 * kept until the combinator goes (as many as it has children): a {@link ResourceMaker}, to tell
 * its value is a resource to close, and a combinator ({@link DiscardsOwnValue}), to give back the
 * grants inside its value. Only the task that polls the combinator touches this object.
 */
public final class ChildFutures {

  /** Not polled yet. */
  private static final byte NEW = 0;

  /** Polled at least once, not finished: it may hold something, or have entered a {@code try}. */
  private static final byte POLLED = 1;

  /** Finished (ready, failed, unwound) or forgotten; its future is let go. */
  private static final byte DONE = 2;

  /** The children, in order; null once DONE, but a maker's or a combinator's (see above). */
  private final Future<?>[] futures;

  /** Each child's state: NEW, POLLED or DONE. */
  private final byte[] states;

  /** How many children are not DONE. */
  private int unfinished;

  /** The context cancelled children are polled with, made on first need. */
  private Cancellation.CancelledContext cancelling;

  /**
   * Whether the outcome of the first child to finish, once cancelled, with a non-cancellable
   * section's outcome is kept, not discarded or logged ({@link #rescueFirstSection}).
   */
  private boolean rescueSections;

  /** The child whose outcome was kept ({@link #rescued} or {@link #rescuedFailure}), or -1. */
  private int rescuedIndex = -1;

  /** What the rescued child returned once cancelled, or null. */
  private Poll<?> rescued;

  /** What the rescued child threw once cancelled (but a cancellation), or null. */
  private Throwable rescuedFailure;

  /**
   * Takes the children.
   *
   * @param futures the children, in order; none null
   */
  public ChildFutures(List<? extends Future<?>> futures) {
    this.futures = futures.toArray(new Future<?>[0]);
    for (Future<?> f : this.futures) {
      if (f == null) {
        throw new NullPointerException("a combinator was given a null future");
      }
    }
    this.states = new byte[this.futures.length];
    this.unfinished = this.futures.length;
  }

  /** @return how many children there are */
  public int size() {
    return futures.length;
  }

  /**
   * @param i a child's index
   * @return whether child {@code i} finished or was cancelled
   */
  public boolean isDone(int i) {
    return states[i] == DONE;
  }

  /**
   * For a combinator's {@code toString} (task dumps): how many children there are and how many
   * still run, e.g. {@code 3 futures, 2 unfinished}.
   *
   * @return the text
   */
  public String describe() {
    return futures.length + (futures.length == 1 ? " future" : " futures")
        + (unfinished == 0 ? "" : ", " + unfinished + " unfinished");
  }

  /** @return whether every child finished or was cancelled */
  public boolean allDone() {
    return unfinished == 0;
  }

  /**
   * Polls child {@code i}, which is not DONE. A ready child, or one that throws, is DONE
   * afterwards; the exception goes to the caller unchanged.
   *
   * @param i the child's index
   * @param cx the combinator's context
   * @return the child's poll
   */
  @SuppressWarnings("unchecked")
  public <T> Poll<T> poll(int i, Context cx) {
    Future<T> f = (Future<T>) futures[i];
    states[i] = POLLED;
    Poll<T> p;
    try {
      p = NullPoll.checked(f.poll(cx), f);
    } catch (Throwable t) {
      finish(i);
      throw t;
    }
    if (p.isReady()) {
      finish(i);
    }
    return p;
  }

  /**
   * Cancels every unfinished child but {@code keep}, and goes on unwinding those that did not
   * finish yet; call it again on later polls until it returns true. Whatever a cancelled child
   * still returns or throws is given back or reported, never lost silently.
   *
   * @param keep the index of a child to leave alone (a select's winner), or -1
   * @param cx the combinator's context; its waker wakes the combinator while children unwind
   * @return whether every child but {@code keep} is DONE
   */
  public boolean cancelAllBut(int keep, Context cx) {
    boolean finished = true;
    for (int i = 0; i < futures.length; i++) {
      if (i == keep || states[i] == DONE) {
        continue;
      }
      if (states[i] == NEW) {
        finish(i); // never polled: nothing ran, nothing to give back
        continue;
      }
      Future<?> f = futures[i];
      if (!(f instanceof ForwardsCancellation)) {
        finish(i);
        try {
          Cancellation.abandonLeaf(f, cx);
        } catch (Throwable failure) {
          Cancellation.failedWhileUnwinding(failure); // a waker must not throw; keep going
        }
        continue;
      }
      if (cancelling == null) {
        cancelling = Cancellation.cancelledContext();
      }
      try {
        Poll<?> p = NullPoll.checked(f.poll(cancelling.of(cx)), f);
        if (p.isPending()) {
          finished = false; // it waits in a non-cancellable section; our waker brings us back
          continue;
        }
        finish(i);
        if (rescues(i, f)) {
          rescued = p; // it could not be cancelled and finished: its value is not lost
        } else {
          discardAfterCancel(i, f, p.get());
        }
      } catch (CancelledException expected) {
        finish(i); // it unwound to its top, as it should
      } catch (Throwable failure) {
        finish(i);
        if (rescues(i, f)) {
          rescuedFailure = failure; // it could not be cancelled, and failed: its caller is told
        } else {
          Cancellation.failedWhileUnwinding(failure);
        }
      }
    }
    return finished;
  }

  /**
   * Keeps what the first child to finish with a non-cancellable section's outcome once cancelled
   * (a {@code Futures.nonCancellable} section, or a combinator that finished with one late)
   * returns or throws, whichever child it is ({@link #rescuedIndex}), for {@link #rescued} and
   * {@link #rescuedFailure}, instead of discarding the value or logging the failure: a timeout's
   * or a cancelled select's outcome. Sections that finish after it are discarded. A {@link
   * CancelledException} is an unwinding, kept by neither.
   */
  public void rescueFirstSection() {
    rescueSections = true;
  }

  /** @return the child whose outcome was kept once cancelled, or -1 */
  public int rescuedIndex() {
    return rescuedIndex;
  }

  /**
   * Whether child {@code i}'s outcome once cancelled is the one to keep; if so, it is marked kept.
   */
  private boolean rescues(int i, Future<?> f) {
    boolean kept = rescueSections && rescuedIndex < 0 && endedAsSection(f);
    if (kept) {
      rescuedIndex = i;
    }
    return kept;
  }

  /**
   * Whether {@code f}, a child that returned or threw once cancelled, ended with a non-cancellable
   * section's outcome: it is one, or a combinator that finished with one late ({@link
   * LateOutcome}). An async method that caught its cancellation and returned a fallback is
   * neither.
   */
  private static boolean endedAsSection(Future<?> f) {
    return Cancellation.isNonCancellable(f)
        || (f instanceof LateOutcome late && late.finishedLate());
  }

  /**
   * Gives back, as {@link #discard} does, a value child {@code i} returned once cancelled, which
   * nobody will see. A non-cancellable section's value that is not given back (a received message,
   * say) is reported: the section was made to finish, and what it finished with is lost.
   */
  private void discardAfterCancel(int i, Future<?> section, Object value) {
    if (!discard(i, value) && value != null && endedAsSection(section)) {
      System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING, CallSite.withUserCode(
          "a Futures.nonCancellable section (" + SafeText.of(section) + ") finished with a value "
          + "(a " + value.getClass().getName() + ") after the combinator it was given to had "
          + "given up on it (another child won, a sibling failed, or the task was cancelled): "
          + "nobody will see the value, and it is dropped", "awaited in")
          + ". Await such a section on its own, not inside a select or joinAll, or give it to a "
          + "timeout, which returns its value late");
    }
  }

  /**
   * Gives back a value child {@code i} returned that nobody will see (its combinator failed, was
   * cancelled, or the child lost): a {@link Grant} is closed, a {@link ResourceMaker}'s resource
   * closed, and a combinator's value given back by that combinator, its own children's values
   * inside it ({@link DiscardsOwnValue}).
   *
   * @param i the child
   * @param value its value, may be null
   * @return whether something was given back
   */
  public boolean discard(int i, Object value) {
    Future<?> f = futures[i];
    if (f instanceof DiscardsOwnValue d) {
      return d.discardValue(value);
    }
    return Cancellation.discard(value, f instanceof ResourceMaker);
  }

  /**
   * @return what the kept child ({@link #rescueFirstSection}) returned once cancelled, or null
   */
  public Poll<?> rescued() {
    return rescued;
  }

  /**
   * @return what the kept child ({@link #rescueFirstSection}) threw once cancelled (but a
   *     cancellation), or null
   */
  public Throwable rescuedFailure() {
    return rescuedFailure;
  }

  /**
   * Refuses a poll of a combinator that already returned or threw.
   *
   * @param finished whether it did
   * @param which its name, e.g. {@code "Futures.joinAll"}
   * @throws IllegalStateException if {@code finished}
   */
  public static void refusePollAfterCompletion(boolean finished, String which) {
    if (finished) {
      throw new IllegalStateException(CallSite.withUserCode(
          "polled a " + which + " future after it completed", "in")
          + ": await it once and keep its value");
    }
  }

  private void finish(int i) {
    if (states[i] != DONE) {
      states[i] = DONE;
      Future<?> f = futures[i];
      if (!(f instanceof ResourceMaker) && !(f instanceof DiscardsOwnValue)) {
        futures[i] = null; // a maker or a combinator is kept (a few bytes) for discard
      }
      unfinished--;
    }
  }
}
