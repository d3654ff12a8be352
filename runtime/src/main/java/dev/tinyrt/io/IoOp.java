// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.Sneaky;
import java.io.IOException;

/**
 * A socket operation as a leaf future: each poll tries the non-blocking operation; only if it
 * would block does it wait, storing the task's waker and its interest in the channel's {@link
 * Registration}. Its progress lives in its buffers, so trying again after a wake resumes it.
 *
 * <p>An idle connection holds one waiting read: keep subclasses' fields few, and make them in a
 * static context (no captured outer instance).
 *
 * <p>States: NEW (never polled, holds nothing) → WAITING (its interest and waker are registered)
 * ⇄ trying → DONE (returned a value or threw; its wait released). {@link #drop()} in WAITING
 * releases the wait at once: the interest leaves the key and the waker is let go.
 *
 * @param <T> the value type
 */
abstract class IoOp<T> implements Future<T>, Droppable {

  /** What {@link #attempt()} returns when the operation would block. */
  static final Object WOULD_BLOCK = new Object();

  /** The channel's registration; a connect sets it on its first attempt, when it opens the socket. */
  Registration registration;

  /** In {@link #ops}: set once it returned or threw, or was dropped; polling again is a misuse. */
  private static final int DONE = 1 << 31;

  /**
   * The operations this waits for when it would block (one side), and {@link #DONE}: one int, not
   * an int and a boolean, so that a waiting read is 24 bytes (an idle connection holds one).
   */
  private int ops;

  IoOp(Registration registration, int ops) {
    this.registration = registration;
    this.ops = ops;
  }

  /**
   * Tries the operation without blocking.
   *
   * @return its value, or {@link #WOULD_BLOCK}
   * @throws IOException if it failed (mapped to a clear message by the caller's {@link #fail})
   */
  abstract Object attempt() throws IOException;

  /**
   * Returns the exception to throw at the await for {@code e}: by default {@link IoErrors#map}.
   *
   * @param e what the channel threw
   * @return the exception to throw
   */
  Throwable fail(Throwable e) {
    return IoErrors.map(e, registration);
  }

  /** @return the operation's name, for messages */
  abstract String what();

  @Override
  @SuppressWarnings("unchecked")
  public final Poll<T> poll(Context cx) {
    if ((ops & DONE) != 0) {
      throw new IllegalStateException(
          "polled " + what() + " after it completed: await it once and keep its value");
    }
    try {
      if (registration != null && registration.isClosed()) {
        throw IoErrors.closed(registration);
      }
      Object v = attempt();
      if (v != WOULD_BLOCK) {
        finish();
        return Poll.ready((T) v);
      }
      registration.await(ops, cx.waker(), this); // not DONE: checked above
      return Poll.pending();
    } catch (Throwable e) {
      finish();
      throw Sneaky.rethrow(e instanceof IllegalStateException ? e : fail(e));
    }
  }

  private void finish() {
    int waited = ops;
    ops = waited | DONE;
    if (registration != null) {
      registration.release(waited, this);
    }
  }

  /** Abandoned while waiting: the interest leaves the key, the waker is let go. */
  @Override
  public void drop() {
    if ((ops & DONE) == 0) {
      finish();
      dropped();
    }
  }

  /** What a subclass gives back when dropped, beyond the wait (a connect closes its socket). */
  void dropped() {}
}
