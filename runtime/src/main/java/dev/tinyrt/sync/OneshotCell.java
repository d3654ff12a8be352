// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;

/**
 * The state a oneshot {@link Oneshot.Sender} and {@link Oneshot.Receiver} share: one value slot,
 * one waker slot (the waker itself, no node: a oneshot has one receiver) and a word of state bits,
 * changed only by compare-and-set. It is the receiver's superclass, so a channel is three small
 * objects: the receiver with this state, the sender (a pointer to it) and the reference that
 * notices a sender garbage-collected without sending ({@link SenderGone}).
 *
 * <p>Who may touch what: the value slot belongs to the sender until {@link #VALUE_SENT} is set,
 * then to the receiver. The waker slot belongs to the receiver while {@link #RX_WAITING} is clear,
 * to the sender once it has set {@link #VALUE_SENT} or {@link #CLOSED} and seen {@link #RX_WAITING}.
 * An abandoned receiver clears the value slot if it saw {@link #VALUE_SENT} when it set {@link
 * #RX_DONE}; otherwise the sender clears it if it saw {@link #RX_DONE} when it set {@link
 * #VALUE_SENT}.
 */
abstract class OneshotCell<T> {

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

  /**
   * Notices the sender becoming unreachable before it sent or closed; null once it did either.
   * Held here, not by the sender, so it lives as long as someone may wait for the value.
   */
  SenderGone senderGone;

  /** Makes the sender half of this channel watched for abandonment; called once, by the sender. */
  void watch(Object sender) {
    senderGone = new SenderGone(sender, this);
  }

  /**
   * Stops watching the sender, which sent or closed: the reference is let go of, and a reference
   * object nobody reaches is never queued, so the garbage collector neither processes it nor makes
   * the abandonment thread look at it. One store: {@code Reference.clear()} would be a native call
   * per send. Sender side only, after its claim.
   */
  void unwatch() {
    senderGone = null;
  }

  /** Atomically replaces {@code expected} by {@code next}; returns the witness value. */
  int compareAndExchange(int expected, int next) {
    return (int) STATE.compareAndExchange(this, expected, next);
  }

  /**
   * Sets RX_DONE once the receiver saw {@code finished}, a state with VALUE_SENT or CLOSED: from
   * then on the receiver is the state's only writer (every other writer claims first, and a claim
   * that finds SENDER_CLAIMED writes nothing), so no atomic read-modify-write is needed.
   *
   * @param finished the state the receiver read, with VALUE_SENT or CLOSED
   */
  void markReceiverDone(int finished) {
    // Ordering: release; no thread races this write (see above), and whoever reads RX_DONE later
    // (a poll after completion, toString) needs only to see it, not anything before it.
    STATE.setRelease(this, finished | RX_DONE);
  }

  /** Atomically ors {@code bits} into the state; returns the state before. */
  int getAndSet(int bits) {
    // A weak-CAS loop, what the JDK's getAndBitwiseOr runs, written out: Lincheck's model checker
    // does not switch threads before a getAndBitwise* call, so it would not see a race here.
    int s;
    do {
      s = (int) STATE.getVolatile(this);
    } while (!STATE.weakCompareAndSet(this, s, s | bits));
    return s;
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

  /**
   * A phantom reference to a sender that closes its channel, as abandoned, once the sender is
   * unreachable without having sent or closed. 32 bytes and no lock per channel (a {@code Cleaner}
   * registration is 64 bytes and takes the cleaner's list lock). Reachable from its channel's
   * state only: if the receiver is gone too, nobody waits, and the reference goes with it.
   */
  static final class SenderGone extends PhantomReference<Object> {

    /** The queue the garbage collector puts unreachable senders' references on. */
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();

    static {
      Thread thread = new Thread(SenderGone::closeAbandoned, "tinyrt-abandoned-oneshot-senders");
      thread.setDaemon(true);
      thread.start();
    }

    /** The channel's state; never the sender itself, or it could not become unreachable. */
    private final OneshotCell<?> cell;

    SenderGone(Object sender, OneshotCell<?> cell) {
      super(sender, QUEUE);
      this.cell = cell;
    }

    /** Closes the channel as abandoned; does nothing if the sender sent or closed. */
    void run() {
      int before = cell.claim(CLOSED | ABANDONED);
      if (before != -1) {
        cell.senderGone = null;
        cell.wakeReceiverIfWaiting(before);
      }
    }

    /** The abandonment thread's loop: closes each channel whose sender the collector found gone. */
    private static void closeAbandoned() {
      while (true) {
        try {
          ((SenderGone) QUEUE.remove()).run();
        } catch (InterruptedException e) {
          // A daemon thread nobody interrupts on purpose: keep serving.
        } catch (RuntimeException | Error e) {
          // A waker threw (wakes must not): the next channel must still be closed.
          System.getLogger("dev.tinyrt").log(System.Logger.Level.ERROR, "a waker threw while tinyrt"
              + " closed a oneshot channel whose Sender was garbage-collected without sending;"
              + " the receiver was still closed, but a wake must never throw: fix the waker that"
              + " threw (its exception follows)", e);
        }
      }
    }
  }
}
