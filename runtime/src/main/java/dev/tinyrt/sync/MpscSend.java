// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.CallSite;

/** A send, its own node in the senders' wait queue once it waits. */
final class MpscSend<T> extends WaitNode implements Future<Void>, Droppable {

  /** Never polled yet (new, or handed out again by {@link #reuseBy}). */
  private static final byte FRESH = 0;

  /** Polled on the locked path: its node state says the rest, under the lock. */
  private static final byte LOCKED_PATH = 1;

  /** Finished unseen by any other thread: on the fast path, or under the lock without waiting. */
  private static final byte SENT_FAST = 2;

  /** The ready poll of a send, shared: a send's value is {@code null}. */
  private static final Poll<Void> SENT = Poll.readyNull();

  /** Keeps the sender reachable while the send is in flight, so it is not seen as abandoned. */
  private final Mpsc.Sender<T> sender;

  /** The channel. */
  private final MpscState<T> state;

  /**
   * The value to deliver; null once delivered, failed or dropped after it waited (the send keeps
   * nothing, which matters when it is its sender's spare).
   */
  private T value;

  /** {@link #FRESH}, {@link #LOCKED_PATH} or {@link #SENT_FAST}; only this send's poller writes it. */
  private byte path;

  /**
   * The id of the thread whose poll finished this send without waiting (on the fast path or under
   * the lock), until {@link #reuseBy} hands it out again; 0 otherwise. Plain access (see {@link
   * MpscRecv#completedBy}).
   */
  private long completedBy;

  MpscSend(Mpsc.Sender<T> sender, MpscState<T> state, T value) {
    this.sender = sender;
    this.state = state;
    this.value = value;
  }

  /**
   * Hands this send out again for {@code next}, if the thread of id {@code thread} finished it
   * without waiting: it is then in no queue (its node state IDLE), holds nothing, and no other
   * thread will touch it.
   */
  boolean reuseBy(long thread, T next) {
    // Ordering: plain, as for a receive (see MpscRecv.completedBy).
    if (completedBy != thread) {
      return false;
    }
    completedBy = 0;
    value = next;
    path = FRESH;
    return true;
  }

  @Override
  public Poll<Void> poll(Context cx) {
    if (path == FRESH && state.trySendFast(value)) {
      // Never waited: nobody else knows this send, so it delivered without the lock.
      value = null;
      completeUnseen();
      return SENT;
    }
    return pollOther(cx);
  }

  /**
   * Marks a send that delivered without waiting (no other thread ever saw it) finished, and
   * reusable by this thread as its sender's spare.
   */
  private void completeUnseen() {
    path = SENT_FAST;
    completedBy = Thread.currentThread().getId();
    if (sender.spare != this) {
      sender.spare = this; // steady state: already it, no store and no GC barrier
    }
  }

  /** The rest of {@link #poll}: a send that waits or waited, or one polled after it completed. */
  private Poll<Void> pollOther(Context cx) {
    if (path == SENT_FAST) {
      throw pollAfterCompletion();
    }
    boolean fresh = path == FRESH;
    path = LOCKED_PATH;
    Waker receiver;
    Waker nextSender = null;
    synchronized (state) {
      state.enterLocked();
      try {
        if (isDone()) {
          throw pollAfterCompletion();
        }
        if (state.receiverClosed || state.senderClosed) {
          if (state.senders.abandon(this) == MpscState.SLOT) {
            state.reserved--;
          }
          value = null; // it fails: a handed-out spare keeps nothing through the sender
          state.checkOpen();
        }
        if (isGranted()) {
          // A slot was kept for this send when it was told there is room.
          consumeGrant();
          state.reserved--;
          receiver = state.deliver(value, /* atFront = */ false);
          value = null; // delivered: see below
          // Handed straight to a receive, the kept slot is free again.
          nextSender = state.wakeNextSender();
        } else if (isQueued() || !state.hasRoomForNewcomer()) {
          // Wait, behind the senders already waiting.
          state.senders.park(this, cx.waker());
          return Poll.pending();
        } else {
          receiver = state.deliver(value, /* atFront = */ false);
          value = null; // delivered: see below
          if (fresh) {
            // Its first poll, and it did not wait: no other thread ever saw it (its node state
            // stays IDLE), so it may be handed out again, as on the fast path.
            completeUnseen();
          } else {
            finish();
          }
        }
      } finally {
        state.leaveLocked();
      }
    }
    // Delivered (the value was nulled above): a send that waited is never stored as the
    // sender's spare, but it may be that spare already, handed out again by send() before it had
    // to wait; holding no value, it keeps none alive through the sender.
    WakeList.wake(receiver);
    WakeList.wake(nextSender);
    return SENT;
  }

  /** The error of a send polled after it completed. */
  private static IllegalStateException pollAfterCompletion() {
    return new IllegalStateException(CallSite.callerOutside(MpscSend.class, Mpsc.Sender.class)
        + " polled an mpsc send that had already completed: its value was delivered (or it"
        + " failed) on an earlier poll. A send delivers one value; call sender.send(value) for"
        + " each value, and drop the future once it is ready (send() may hand the same object"
        + " out again for the next value)");
  }

  /** For task dumps: what it waits on, e.g. {@code Mpsc send on Mpsc@1b6d3586[4 queued of 4]}. */
  @Override
  public String toString() {
    return "Mpsc send on " + state;
  }

  @Override
  public void drop() {
    if (path != LOCKED_PATH) {
      return; // never waited: it is in no queue and was granted nothing
    }
    Waker w = null;
    synchronized (state) {
      state.enterLocked();
      value = null; // sends nothing: keeps nothing, should it be the sender's spare
      if (state.senders.abandon(this) == MpscState.SLOT) {
        // A slot was kept for it: pass it on.
        state.reserved--;
        w = state.wakeNextSender();
      }
      state.leaveLocked();
    }
    WakeList.wake(w);
  }
}

