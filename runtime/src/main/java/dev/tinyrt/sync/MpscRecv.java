// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.Cancellation;
import dev.tinyrt.internal.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A receive: it waits in the channel's slot while it is the only one waiting and nothing else is
 * queued, else as its own node in the receivers' wait queue.
 *
 * <pre>
 *            park in the empty slot            a send takes it out of the slot
 *   FRESH ─────────────────────────▶ PARKED ───────────────────────────────▶ HANDED ──poll──▶ DONE
 *     │ the lock is in charge           │ the lock takes it into the queue                      ▲
 *     ▼                                 ▼                                                       │
 *   QUEUED (a wait queue node, under the lock) ───────────── granted, or ready ───────────────┘
 *
 *   PARKED: a new waker is swapped in place. Dropped, it takes itself back out of the slot
 *   (DONE); out of the slot already (a send or the lock took it), drop marks it DROPPED and
 *   whoever took it keeps nothing for it. Any state: a ready poll or a drop ends in DONE.
 * </pre>
 */
final class MpscRecv<T> extends WaitNode implements Future<T>, Droppable {

  /** Never polled, or polled only on the lock-free path without waiting. Only its poller sees it. */
  static final byte FRESH = 0;

  /**
   * Waiting in the channel's slot (or just taken out of it by a send or by the lock, which then
   * move it on with a CAS from this state). Its waker is read and written with volatile access.
   */
  static final byte PARKED = 1;

  /** A send took it out of the slot and gave it its value, in {@link #value}. */
  static final byte HANDED = 2;

  /** On the locked path: its wait queue node state says the rest, under the lock. */
  static final byte QUEUED = 3;

  /** Dropped after it left the slot and before whoever took it moved it on: it gets nothing. */
  static final byte DROPPED = 4;

  /** Returned its value or null, or was dropped. */
  static final byte DONE = 5;

  /** {@link #fast}, for its compare-and-sets and its plain and opaque accesses. */
  static final VarHandle FAST;

  /**
   * The receive's waker slot, WaitNode's own: read and written with volatile semantics while the
   * receive waits in the channel's slot, plainly under the lock once it waits in the queue.
   */
  static final VarHandle WAKER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      FAST = lookup.findVarHandle(MpscRecv.class, "fast", byte.class);
      WAKER = lookup.findVarHandle(WaitNode.class, "waker", Waker.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Keeps the receiver reachable while the receive is in flight: it is not abandoned. */
  private final Mpsc.Receiver<T> receiver;

  /** The channel. */
  private final MpscState<T> state;

  /** The value a send handed to this receive; guarded by the fast-path state or the lock. */
  T value;

  /** One of the states above; changed by CAS while {@link #PARKED}. */
  volatile byte fast;

  /**
   * The id of the thread whose poll finished this receive unseen by any other thread (on the
   * lock-free path, or under the lock on its first poll: it never waited in the slot or the
   * queue), until {@link #reuseBy} hands it out again; 0 otherwise (thread ids are
   * positive; the JDK may reuse a terminated thread's id, and a thread that ended holds no
   * future, so the new thread claiming it takes nobody's). A primitive, so writing it costs no
   * garbage collector barrier.
   *
   * <p>Plain access is enough for "only the thread that completed it claims it": a thread reads
   * back its own id only if its own last write here was its id (a thread never sees a write of
   * its own that it overwrote since: program order is happens-before), and nobody writes another
   * thread's id. The completing poll saw the state a send or its claim published (volatile),
   * so it also never sees an older write than the claim that handed the receive out.
   * (Opaque VarHandle access would say the same, but cost the JIT's inlining budget: the
   * guards of a VarHandle call not inlined showed up as 17% of a ping-pong profile.)
   */
  private long completedBy;

  MpscRecv(Mpsc.Receiver<T> receiver, MpscState<T> state) {
    this.receiver = receiver;
    this.state = state;
  }

  /**
   * Hands this receive out again if the thread of id {@code thread} finished it without waiting
   * (on the lock-free path, or under the lock on its first poll): it is then {@link #DONE}, in no
   * queue (its node state IDLE) and not in the slot, holds no value and no waker,
   * and no other thread will touch it (a send that took it out of the slot is done with it once it
   * saw {@link #HANDED}, but for a wake of the waker it read, which may be spurious).
   */
  boolean reuseBy(long thread) {
    // Ordering: plain; see completedBy.
    if (completedBy != thread) {
      return false;
    }
    completedBy = 0;
    // Ordering: only this thread reads the state of a FRESH receive.
    FAST.setOpaque(this, FRESH);
    return true;
  }

  /**
   * Marks a receive finished without ever being seen by another thread (on the lock-free path, or
   * under the lock on its first poll), and reusable by this thread.
   */
  private void completeFast() {
    // Ordering: nobody else reads the state once it is HANDED, or ever saw it FRESH.
    FAST.setOpaque(this, DONE);
    completedBy = Thread.currentThread().getId();
    if (receiver.spare != this) {
      receiver.spare = this; // steady state: already it, no store and no GC barrier
    }
  }

  @Override
  public Poll<T> poll(Context cx) {
    // Small enough to inline into the awaiting frame, so that the JIT may drop the ready poll.
    if (fast == HANDED) {
      // A send handed its value over; it never took a slot: nobody to tell there is room.
      T v = value;
      value = null;
      WAKER.setOpaque(this, (Waker) null);
      completeFast();
      return Poll.ready(v);
    }
    return pollOther(cx);
  }

  /** The rest of {@link #poll}. */
  @SuppressWarnings("unchecked")
  private Poll<T> pollOther(Context cx) {
    Waker waker = cx.waker();
    while (true) {
      byte f = fast;
      switch (f) {
        case HANDED -> {
          // A send handed its value over; it never took a slot: nobody to tell there is room.
          T v = value;
          value = null;
          WAKER.setOpaque(this, (Waker) null);
          completeFast();
          return Poll.ready(v);
        }
        case PARKED -> {
          // Waiting in the slot, or just taken out of it by a send handing a value over (then
          // HANDED) or by the lock queueing it (then QUEUED). A new waker is swapped in place:
          // stepping out of the slot to change it would let a send pass a waiting receive.
          // Ordering: write the waker, then read the slot and the state; whoever takes the
          // receive out CASes the slot and the state, then reads the waker: one of us sees the
          // other's write.
          if (WAKER.getOpaque(this) != waker) {
            WAKER.setVolatile(this, waker);
          }
          if (state.slot == this || fast == PARKED) {
            return Poll.pending();
          }
        }
        case FRESH -> {
          Object s = state.slot;
          if (s == null) {
            // Nothing queued, nobody waiting: wait in the slot. Ordering: the CAS publishes the
            // waker and the state to whoever takes the receive out of the slot.
            WAKER.set(this, waker);
            FAST.set(this, PARKED);
            if (MpscState.FAST_SLOT.compareAndSet(state, null, this)) {
              return Poll.pending();
            }
            WAKER.set(this, (Waker) null);
            FAST.set(this, FRESH);
            continue;
          }
          if (s != MpscState.LOCKED && !(s instanceof MpscRecv<?>)) {
            // The one queued value: take it. Ordering: the CAS acquires what its sender
            // published with it.
            if (MpscState.FAST_SLOT.compareAndSet(state, s, null)) {
              completeFast(); // never seen by anyone else
              return Poll.ready((T) s);
            }
            continue;
          }
          // The lock is in charge, or another receive waits in the slot: queue behind it.
          return pollLocked(waker, /* fresh = */ true);
        }
        case QUEUED -> {
          return pollLocked(waker, /* fresh = */ false);
        }
        default -> throw pollAfterCompletion();
      }
    }
  }

  /**
   * The poll under the lock, for a receive that is fresh or queued.
   *
   * @param fresh whether it was {@link #FRESH}: never in the slot or the wait queue, so a value it
   *     takes from the queue now finishes it unseen by any other thread, and it may be handed out
   *     again as on the lock-free path (with several producers most receives end here)
   */
  private Poll<T> pollLocked(Waker waker, boolean fresh) {
    T v;
    Waker w;
    synchronized (state) {
      state.enterLocked();
      try {
        if (isDone()) {
          throw pollAfterCompletion();
        }
        if (isGranted() && consumeGrant() == MpscState.VALUE) {
          // A handed value never took a slot: nobody to tell there is room.
          v = value;
          value = null;
          fast = DONE;
          return Poll.ready(v);
        }
        // Woken by a close, or not woken: take what is queued, if anything (nothing once the
        // receiver closed: its close dropped the queue).
        v = state.receiverClosed ? null : state.queue.poll();
        if (v == null) {
          if (state.senderClosed || state.receiverClosed) {
            finish();
            fast = DONE;
            return Poll.readyNull();
          }
          fast = QUEUED;
          state.receivers.park(this, waker);
          return Poll.pending();
        }
        if (fresh) {
          completeFast(); // its node state stays IDLE, as a receive handed out again needs
        } else {
          finish();
          fast = DONE;
        }
        w = state.wakeNextSender();
      } finally {
        state.leaveLocked();
      }
    }
    WakeList.wake(w);
    return Poll.ready(v);
  }

  /** The error of a receive polled after it completed. */
  private static IllegalStateException pollAfterCompletion() {
    return new IllegalStateException(CallSite.callerOutside(MpscRecv.class, Mpsc.Receiver.class)
        + " polled an mpsc receive that had already completed: it returned its value (or null"
        + " for a closed channel) or was dropped, on an earlier poll. A receive gives one value;"
        + " call receiver.recv() for each value, and drop the future once it is ready (recv()"
        + " may hand the same object out again for the next value)");
  }

  /** For task dumps: what it waits on, e.g. {@code Mpsc recv on Mpsc@1b6d3586[0 queued of 4]}. */
  @Override
  public String toString() {
    return "Mpsc recv on " + state;
  }

  @Override
  public void drop() {
    while (true) {
      byte f = fast;
      switch (f) {
        case FRESH -> {
          fast = DONE; // never waited: in no queue, granted nothing
          return;
        }
        case HANDED -> {
          // A value was handed to it: it goes to the next receive, or first in the queue.
          T v = value;
          value = null;
          WAKER.setOpaque(this, (Waker) null);
          fast = DONE;
          state.redeliver(v);
          return;
        }
        case PARKED -> {
          if (state.slot == this) {
            // Waiting in the slot: leave it, holding nothing.
            if (MpscState.FAST_SLOT.compareAndSet(state, this, null)) {
              WAKER.setOpaque(this, (Waker) null);
              fast = DONE;
              return;
            }
            continue;
          }
          // A send or the lock took it out of the slot and has not moved it on yet: the CAS
          // decides; whoever loses it keeps nothing for this receive.
          if (FAST.compareAndSet(this, PARKED, DROPPED)) {
            WAKER.setOpaque(this, (Waker) null);
            return;
          }
        }
        case QUEUED -> {
          dropLocked();
          return;
        }
        default -> {
          return; // finished already
        }
      }
    }
  }

  /** The drop of a receive that waits in the queue (or was granted from it). */
  private void dropLocked() {
    Waker w = null;
    T lost = null;
    synchronized (state) {
      state.enterLocked();
      if (state.receivers.abandon(this) == MpscState.VALUE) {
        // A value was handed to it: it goes to the next receive, or first in the queue.
        T v = value;
        value = null;
        if (state.receiverClosed) {
          lost = v;
        }
        w = state.deliver(v, /* atFront = */ true);
      }
      fast = DONE;
      state.leaveLocked();
    }
    WakeList.wake(w);
    Cancellation.discard(lost, /* made = */ false); // closed: nobody will receive it
  }
}
