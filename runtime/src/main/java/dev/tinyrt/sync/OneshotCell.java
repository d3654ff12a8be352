// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state a oneshot {@link Oneshot.Sender} and {@link Oneshot.Receiver} share: one value slot,
 * one waker slot and a word of state bits, changed only by compare-and-set.
 *
 * <p>Who may touch what: the value slot belongs to the sender until {@link #VALUE_SENT} is set,
 * then to the receiver. The waker slot belongs to the receiver while {@link #RX_WAITING} is clear,
 * to the sender once it has set {@link #VALUE_SENT} or {@link #CLOSED} and seen {@link #RX_WAITING}.
 * An abandoned receiver clears the value slot if it saw {@link #VALUE_SENT} when it set {@link
 * #RX_DONE}; otherwise the sender clears it if it saw {@link #RX_DONE} when it set {@link
 * #VALUE_SENT}.
 */
final class OneshotCell<T> {

  /**
   * Set while the receiver has a waker in {@link #waker} and wants to be woken. Only the receiver
   * sets or clears it, and only while {@link #VALUE_SENT} and {@link #CLOSED} are clear.
   */
  static final int RX_WAITING = 1;

  /**
   * Set by the first {@code send} or {@code close} (or the abandonment action): from then on no
   * other sender-side operation may write. Never cleared.
   */
  static final int SENDER_CLAIMED = 1 << 1;

  /** Set once the value is in {@link #value}. Never cleared; excludes {@link #CLOSED}. */
  static final int VALUE_SENT = 1 << 2;

  /** Set when the sender finished without a value. Never cleared; excludes {@link #VALUE_SENT}. */
  static final int CLOSED = 1 << 3;

  /** Set with {@link #CLOSED} when the sender was garbage-collected rather than closed. */
  static final int ABANDONED = 1 << 4;

  /**
   * Set once the receiver returned ready, threw, or was abandoned ({@code drop}): polling it again
   * is a misuse. Never cleared.
   */
  static final int RX_DONE = 1 << 5;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(OneshotCell.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The state bits above. */
  volatile int state;

  /** The value, written by the sender before it sets {@link #VALUE_SENT}. */
  T value;

  /** The receiver's waker, written by the receiver before it sets {@link #RX_WAITING}. */
  Waker waker;

  /** Atomically replaces {@code expected} by {@code next}; returns the witness value. */
  int compareAndExchange(int expected, int next) {
    return (int) STATE.compareAndExchange(this, expected, next);
  }

  /** Atomically ors {@code bits} into the state; returns the state before. */
  int getAndSet(int bits) {
    return (int) STATE.getAndBitwiseOr(this, bits);
  }

  /**
   * Claims the sender side with {@code bits} added in the same step.
   *
   * @return the state before the claim, or {@code -1} if the sender side was already claimed
   */
  int claim(int bits) {
    int s = state;
    while (true) {
      // If a send or close already happened, nothing else may.
      if ((s & SENDER_CLAIMED) != 0) {
        return -1;
      }
      int witness = compareAndExchange(s, s | SENDER_CLAIMED | bits);
      if (witness == s) {
        return s;
      }
      s = witness;
    }
  }

  /**
   * Publishes the sender's outcome ({@link #VALUE_SENT} or {@link #CLOSED}) if not already part of
   * the claim, and wakes the receiver if it was waiting.
   *
   * @param before the state in which {@code bits} became set
   */
  void wakeReceiverIfWaiting(int before) {
    // If the receiver registered a waker before our outcome became visible, the waker slot is now
    // ours (the receiver never touches it once VALUE_SENT or CLOSED is set).
    if ((before & RX_WAITING) != 0) {
      Waker w = waker;
      waker = null;
      w.wake();
    }
  }

  /** The action run when the sender became unreachable; does nothing if it sent or closed. */
  static final class AbandonAction implements Runnable {

    /** The channel's cell; never the sender itself, or it could not become unreachable. */
    private final OneshotCell<?> cell;

    AbandonAction(OneshotCell<?> cell) {
      this.cell = cell;
    }

    @Override
    public void run() {
      int before = cell.claim(CLOSED | ABANDONED);
      if (before != -1) {
        cell.wakeReceiverIfWaiting(before);
      }
    }
  }
}
