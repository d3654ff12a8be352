// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import dev.tinyrt.internal.ForgetsWaker;
import java.util.function.Supplier;

/**
 * A task of a model check that behaves as an executor does: it holds at most one future, polls it
 * with a new waker each time, and polls it again only once the waker of its last pending poll was
 * woken. So whether that waker was woken is the whole record of the future's promise, and
 * {@link #assertNoLostWake} can judge it once the scenario ended: a future left pending whose last
 * waker was never woken must not be able to go on now.
 *
 * <p>Nothing here is an operation's result: Lincheck accepts any result some sequential run also
 * gives, and a wake lost in every run (a {@code close} that forgets to wake, say) gives the same
 * result in the sequential runs too. The model checks return nothing about wakes from their
 * operations and call {@link #assertNoLostWake} from a {@code @Validate} function, which Lincheck
 * runs once the whole scenario ended (after the post part, if there is one: so model checks that
 * use this task have none, or a poll there would take what a lost wake left behind).
 *
 * <p>Not thread-safe: one thread (one Lincheck non-parallel group) drives it; the validation reads
 * it after every thread of the scenario finished.
 *
 * @param <T> the future's value type
 */
public final class WokenTask<T> {

  /** What the task's future is, for messages. */
  private final String what;

  /** Makes the task's next future. */
  private final Supplier<Future<T>> make;

  /** The future the task waits for, or null. */
  private Future<T> pending;

  /** The waker of the pending future's last poll, or null. */
  private CountingWaker last;

  /**
   * @param what names the future in messages ("the consumer's recv")
   * @param make makes the next future once the last one finished or was abandoned
   */
  public WokenTask(String what, Supplier<Future<T>> make) {
    this.what = what;
    this.make = make;
  }

  /**
   * One turn of the task: makes a future and polls it if none is pending, polls the pending one
   * again if its last waker was woken, and does nothing otherwise (an executor does not poll a
   * task nobody woke). A poll that throws finishes the future, and the exception goes on (a checked one too,
   * thrown unchecked as socket operations do).
   *
   * @return the ready poll, or null if the future is pending (or was not polled)
   */
  public Poll<T> turn() {
    if (pending == null) {
      pending = make.get();
    } else if (last.count() == 0) {
      return null;
    }
    return poll();
  }

  /**
   * Polls the pending future again with a new waker although nobody woke it, as a combinator that
   * polls all its branches, or an executor the future moved to, does: from now on only the new
   * waker counts. Unlike {@link #turn} this may find what a lost wake left behind, so a model check
   * that swaps wakers this way checks the wake itself elsewhere (the channel's own model check).
   *
   * @return the ready poll, or null if the future is pending or none was
   */
  public Poll<T> repoll() {
    return pending == null ? null : poll();
  }

  /** @return whether a future is pending */
  public boolean isWaiting() {
    return pending != null;
  }

  /** @return whether a future is pending and the waker of its last poll was never woken */
  public boolean waitsUnwoken() {
    return pending != null && last.count() == 0;
  }

  /**
   * Abandons the pending future, as a task that stops waiting does: {@link Droppable#drop()}, or
   * for a future many may await ({@link ForgetsWaker}, a {@code JoinHandle}), forgetting the waker
   * of its last poll.
   *
   * @return whether a future was pending
   */
  public boolean abandon() {
    if (pending == null) {
      return false;
    }
    if (pending instanceof ForgetsWaker shared) {
      shared.forget(last);
    } else {
      ((Droppable) pending).drop();
    }
    pending = null;
    last = null;
    return true;
  }

  /**
   * Called once the scenario ended (no operation runs): throws if the pending future's last waker
   * was never woken, yet the future can go on, which a poll now tells (it is ready, or throws).
   * Leaves the future pending or finished.
   *
   * @throws AssertionError on a lost wake-up
   */
  public void assertNoLostWake() {
    if (!waitsUnwoken()) {
      return; // nothing waits, or it was woken: its task would poll it again
    }
    Poll<T> p;
    try {
      p = poll();
    } catch (Exception e) { // a socket operation throws its IOException unchecked
      throw new AssertionError("lost wake-up: " + what + " could go on (a poll now throws " + e
          + ") but the waker of its last pending poll was never woken", e);
    }
    if (p != null) {
      throw new AssertionError("lost wake-up: " + what + " is ready when polled now, but the "
          + "waker of its last pending poll was never woken, so its task would never poll it");
    }
  }

  /**
   * Called once the scenario ended, after {@link #assertNoLostWake}, for a primitive whose every
   * wake hands the future its outcome (a grant, a value, a close): polls the pending future if the
   * waker of its last poll was woken, as its executor would, and throws if it is pending still. A
   * poll that throws finishes the future, and the exception goes on (a closed channel's).
   *
   * @return the ready poll, or null if no woken future was pending
   * @throws AssertionError if a woken future polled again is pending
   */
  public Poll<T> assertWokenFinishes() {
    if (pending == null || last.count() == 0) {
      return null;
    }
    Poll<T> p = poll();
    if (p == null) {
      throw new AssertionError(what + " was woken, yet polled again it is pending: the wake "
          + "handed it nothing (woken before its grant was set?)");
    }
    return p;
  }

  /**
   * Called once the scenario ended, for a primitive whose every wake hands the future its outcome:
   * {@link #assertNoLostWake}, then {@link #assertWokenFinishes}, where a poll that throws an
   * {@code outcome} counts as finishing too (a closed channel's, a lagged receive's), then abandons
   * whatever is still pending.
   *
   * @param outcome the exception type a poll may finish with
   * @throws AssertionError on a lost wake-up, or a woken future that polled again is pending
   */
  public void settle(Class<? extends RuntimeException> outcome) {
    assertNoLostWake();
    try {
      assertWokenFinishes();
    } catch (RuntimeException e) {
      if (!outcome.isInstance(e)) {
        throw e;
      }
    }
    abandon();
  }

  /**
   * Called once the scenario ended, after {@link #assertNoLostWake}: the turn the task would take
   * now if its future was woken (one poll, which may find it pending again where the primitive
   * lets another take what woke it), then abandons whatever is still pending.
   *
   * @return the ready poll, or null
   */
  public Poll<T> lastTurn() {
    Poll<T> p = pending == null ? null : turn();
    abandon();
    return p;
  }

  /** Polls the pending future with a new waker. */
  private Poll<T> poll() {
    CountingWaker waker = new CountingWaker();
    Poll<T> p;
    try {
      p = pending.poll(waker.context());
    } catch (Exception e) { // a socket operation throws its IOException unchecked
      pending = null;
      last = null;
      throw e; // precise rethrow: whatever the poll threw
    }
    if (p.isPending()) {
      last = waker;
      return null;
    }
    pending = null;
    last = null;
    return p;
  }
}
