// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;
import dev.tinyrt.internal.Wakes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.PhantomReference;

/**
 * The state a oneshot {@link Oneshot.Sender} and {@link Oneshot.Receiver} share, in one word: a
 * single volatile reference, {@link #slot}, changed by compare-and-set. It is the receiver's
 * superclass, and it is also the phantom reference to the sender that notices a sender
 * garbage-collected without sending (the package rule: a gone sender closes its channel), so a
 * channel is two objects: the receiver (header 12, {@code Reference}'s referent, queue, next and
 * discovered 16, the slot 4: 32 bytes) and the sender (a pointer to it: 16 bytes).
 *
 * <p>What the slot holds, and who may move it on:
 *
 * <ul>
 *   <li>{@code null}: nothing happened yet. The receiver may register a waker, drop; the sender may
 *       send or close; the abandonment thread may close it as abandoned.
 *   <li>a {@link Waker}: the receiver waits and wants that waker woken. The receiver may swap it
 *       for another waker or take it back (drop); the sender replaces it by its outcome and then
 *       wakes it, so whoever takes it out of the slot by compare-and-set owns it.
 *   <li>the sent value: bare, or in a {@link Boxed} when it is {@code null}, a {@link Waker},
 *       one of this class's own objects or this very cell (which would read as another state).
 *       Only the receiver moves it on, to "took the value", when it takes the value or is dropped.
 *   <li>{@link #CLOSED} or {@link #ABANDONED}: the sender closed, or was garbage-collected,
 *       without a value. Only the receiver moves it on, to {@link #TOOK_CLOSE}.
 *   <li>{@link #DROPPED}: the receiver was dropped before the sender finished. Only the sender
 *       moves it on: to "took the value" by a send (the value is let go of at once) or to {@link
 *       #TOOK_CLOSE} by a close.
 *   <li>"took the value" (the slot refers to this cell itself, see below) or {@link #TOOK_CLOSE}:
 *       both sides finished. Never left; the two are kept apart only so that a later misuse of the
 *       sender gets the right message.
 * </ul>
 *
 * <p>Why "took the value" is the cell itself and not one more shared marker: it is the state
 * every delivered value ends in, written once per channel on the hot path, and under G1 a store of
 * a reference into an old object runs the post-write barrier's slow half (a StoreLoad fence, then
 * a dirty card that G1's refinement scans) unless the new value is null or in the same heap region
 * as the object. A shared marker lives in another region; the cell is in its own region, so G1
 * filters the store at its first check. In the 1M-carts window card refinement was 44% of all CPU
 * samples (perf, stop 15), and each delivered value wrote one such store.</p>
 *
 * <p>So a send is one compare-and-set (from {@code null} or a waker to the value), and of two
 * racing sends exactly one succeeds: the other finds a value and throws. Once the slot holds an
 * outcome of the sender (a value, {@code CLOSED}, {@code ABANDONED}) the receiver is its only
 * writer, and writes it without an atomic read-modify-write.
 *
 * <p>The watch (this object as a {@link PhantomReference} to the sender, queued to {@link
 * AbandonedOneshotSenders}) stops once it is no longer needed: a send, a close or a drop clears the
 * referent, so the garbage collector never discovers a finished channel and the abandonment thread
 * never sees it (on JDK 24 and later, where that is cheap: see {@link #STOPS_WATCH}).
 *
 * <p>Users see the receiver's inherited {@code Reference} methods: {@code get()} returns {@code
 * null} (a phantom reference's), {@code refersTo} tells whether the watch still runs, and {@link
 * #clear()} and {@link #enqueue()} are overridden to do nothing, so no user call can stop the
 * watch or fake an abandonment.
 */
abstract class OneshotCell<T> extends PhantomReference<Object> {

  /** The sender closed without a value; the receiver has not seen it yet. */
  static final Object CLOSED = new Marker("closed");

  /** The sender was garbage-collected without a value; the receiver has not seen it yet. */
  static final Object ABANDONED = new Marker("abandoned");

  /** The receiver was dropped before the sender sent or closed. */
  static final Object DROPPED = new Marker("dropped");

  /** Both finished: the sender closed (or was abandoned), the receiver saw it or was dropped. */
  static final Object TOOK_CLOSE = new Marker("received");

  /**
   * Whether {@link #stopWatch()} clears the referent: where {@code Reference.clear()} is a C2
   * intrinsic (JDK 24 on, JDK-8329597), a store; before, a native call, which took a suspend and
   * resume from 65-71 to 79-108 ns of CPU on Java 17 ({@code CpuTime suspend}). There the watch is
   * left running: a finished channel whose sender dies before its receiver is then queued, and the
   * abandonment thread finds it finished and leaves it (the work a stopped watch saves).
   */
  static final boolean STOPS_WATCH = Runtime.version().feature() >= 24;

  private static final VarHandle SLOT;

  static {
    try {
      SLOT = MethodHandles.lookup().findVarHandle(OneshotCell.class, "slot", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The channel's one word of state: see the class comment for what it may hold. */
  volatile Object slot;

  /**
   * Makes the channel's shared state, watching {@code sender} for abandonment.
   *
   * @param sender the channel's sender, under construction: the referent of this watch
   */
  OneshotCell(Object sender) {
    super(sender, AbandonedOneshotSenders.queue());
  }

  /** @return what the slot holds for {@code value}: the value itself, or a box around it */
  final Object wrap(Object value) {
    if (value == null || value instanceof Marker || value instanceof Boxed
        || value instanceof Waker || value == this) {
      return new Boxed(value);
    }
    return value;
  }

  /**
   * @return what the slot holds once the receiver took the value (or was dropped after it came, or
   *     the sender sent after the receiver was dropped): this cell itself
   */
  final Object tookValue() {
    return this;
  }

  /** @return whether {@code s}, read from the slot, says both sides finished with a value */
  final boolean isTookValue(Object s) {
    return s == this;
  }

  /** @return the value a slot holding a sent value carries */
  @SuppressWarnings("unchecked")
  static <T> T unwrap(Object sent) {
    return (T) (sent instanceof Boxed b ? b.value : sent);
  }

  /** @return whether {@code s}, read from the slot, is a sent value (bare or boxed) */
  final boolean isValue(Object s) {
    return s != null && !(s instanceof Marker) && !(s instanceof Waker) && s != this;
  }

  /** Atomically replaces {@code expected} by {@code next}; returns the witness value. */
  final Object compareAndExchange(Object expected, Object next) {
    return SLOT.compareAndExchange(this, expected, next);
  }

  /**
   * Writes the slot when no other thread may write it any more (the receiver, once the sender's
   * outcome is there).
   */
  final void finish(Object done) {
    // Ordering: release; no thread races this write (see the class comment), and whoever reads it
    // later (a poll after completion, toString) needs only to see it, not anything before it.
    SLOT.setRelease(this, done);
  }

  /**
   * The sender side's one step: replaces an empty slot or a waiting receiver's waker by {@code
   * outcome} (a wrapped value, {@link #CLOSED} or {@link #ABANDONED}), or a dropped receiver's
   * {@link #DROPPED} by {@code afterDrop} ({@link #tookValue()} or {@link #TOOK_CLOSE}), and wakes
   * the waker it replaced.
   *
   * @return the slot before, if the step was taken (a waker, {@code null} or {@link #DROPPED});
   *     otherwise the outcome already there (a value, a marker), and nothing was written
   */
  final Object complete(Object outcome, Object afterDrop) {
    Object s = slot;
    while (true) {
      Object next;
      Waker waiting = null;
      if (s == null) {
        // Nothing happened: put the outcome in the empty slot.
        next = outcome;
      } else if (s == DROPPED) {
        // The receiver is gone: nobody will read the outcome, keep none.
        next = afterDrop;
      } else if (s instanceof Marker || s instanceof Boxed || s == this) {
        // The sender side already finished (CLOSED, ABANDONED, TOOK_CLOSE, a boxed value, this
        // cell for "took the value"): refuse.
        return s;
      } else if (s instanceof Waker w) {
        // The receiver waits: put the outcome in place of its waker.
        waiting = w;
        next = outcome;
      } else {
        // A value is there already: refuse.
        return s;
      }
      // Ordering: the volatile compare-and-set publishes the value (and everything the sender
      // wrote before) to the receiver, which reads the slot with a volatile read. It fails if the
      // receiver registered, swapped or took back its waker, or dropped, since we read it: look
      // again.
      Object witness = compareAndExchange(s, next);
      if (witness == s) {
        if (waiting != null) {
          // The waker left the slot with this compare-and-set: it is ours to wake, once. One that
          // throws is logged, not thrown into the sender, whose value is delivered (Wakes).
          Wakes.wake(waiting);
        }
        return s;
      }
      s = witness;
    }
  }

  /** @return whether {@link #complete} took its step, given what it returned */
  static boolean completed(Object before) {
    return before == null || before == DROPPED || before instanceof Waker;
  }

  /**
   * Stops the watch where that is cheap ({@link #STOPS_WATCH}): the sender sent or closed, or the
   * receiver is gone, so the sender's abandonment no longer matters. The referent is cleared and a
   * cleared reference is never queued, so the garbage collector does not process it and the
   * abandonment thread never sees it.
   */
  final void stopWatch() {
    if (STOPS_WATCH) {
      super.clear();
    }
  }

  /**
   * Does nothing: the watch belongs to the channel. A user's call cannot stop it (the sender would
   * no longer close its channel when garbage-collected without sending).
   */
  @Override
  public final void clear() {}

  /**
   * Does nothing and returns {@code false}: only the garbage collector reports a sender gone. A
   * user's call cannot close the channel as abandoned while its sender lives.
   *
   * @return {@code false}
   */
  @Override
  public final boolean enqueue() {
    return false;
  }

  /**
   * Closes the channel as abandoned: run by the abandonment thread once the collector found the
   * sender unreachable. Does nothing if the sender sent or closed, or the receiver was dropped (it
   * stays {@link #DROPPED}): a watch left running ({@link #STOPS_WATCH} false) is queued then.
   *
   * @return whether it closed the channel
   */
  final boolean closeAbandoned() {
    Object before = complete(ABANDONED, /* afterDrop = */ DROPPED);
    return before == null || before instanceof Waker;
  }

  /** One of the slot's states other than empty, a waker and a value; named for toString. */
  static final class Marker {

    /** What the state is called in {@code toString}. */
    final String name;

    Marker(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A sent value the slot cannot hold bare: {@code null}, a waker, a marker or a box. */
  private static final class Boxed {

    /** The value sent. */
    final Object value;

    Boxed(Object value) {
      this.value = value;
    }
  }
}
