// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Waker;
import dev.tinyrt.internal.Cancellation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The state both ends of an {@link Mpsc} channel share, and the protocol between its lock-free
 * slot and its queues under the lock. {@link #slot} is changed by compare-and-set only; every
 * other field is guarded by {@code this}, and used only while the slot holds {@link #LOCKED}.
 */
final class MpscState<T> {

  /** Grant to a waiting send: a slot was kept for its value. */
  static final int SLOT = 1;

  /** Grant to a waiting send: the receiver closed, the send fails. */
  static final int RECEIVER_CLOSED = 2;

  /** Grant to a waiting receive: a value was handed to it, in {@code MpscRecv.value}. */
  static final int VALUE = 1;

  /** Grant to a waiting receive: the channel closed, it gives null. */
  static final int CLOSED = 2;

  /**
   * The slot's mark for "the lock is in charge": the queues under the lock hold the channel's
   * values and waiters, and every operation takes the lock. Never a value (it is private).
   */
  static final Object LOCKED = new Object();

  /** {@link #slot}, for its compare-and-sets. */
  static final VarHandle FAST_SLOT;

  static {
    try {
      FAST_SLOT = MethodHandles.lookup().findVarHandle(MpscState.class, "slot", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The lock-free fast path, one of:
   *
   * <ul>
   *   <li>{@code null}: open, nothing queued, nobody waiting (the queues below are empty);
   *   <li>a {@link MpscRecv} in state {@link MpscRecv#PARKED}: the one waiting receive, which
   *       nothing but a compare-and-set of this slot may take out (a send handing it a value, the
   *       lock taking it into {@link #receivers}, the receive itself changing its waker or
   *       dropped);
   *   <li>{@link #LOCKED}: the queues below are in charge; every operation takes the lock, and
   *       only a holder of the lock writes the slot (see {@link #leaveLocked});
   *   <li>any other object: the one value sent and not yet received (the queues are empty).
   * </ul>
   */
  volatile Object slot;

  /** How many values may be queued or promised to senders. */
  final int capacity;

  /** Values sent and not yet received. Not empty only while no receive waits. */
  final ArrayDeque<T> queue = new ArrayDeque<>();

  /** Sends waiting for room. */
  final WaitQueue senders = new WaitQueue();

  /** Receives waiting for a value. Not empty only while the queue is empty. */
  final WaitQueue receivers = new WaitQueue();

  /** Slots promised to senders told there is room, not yet used. */
  int reserved;

  /** Set once the sending side closed or its sender was garbage-collected. */
  boolean senderClosed;

  /** Set once the receiving side closed. */
  boolean receiverClosed;

  MpscState(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Puts the lock in charge: moves what the slot holds (a value, a waiting receive) into the
   * queues and marks the slot {@link #LOCKED}. Lock held; call {@link #leaveLocked} before
   * releasing it.
   */
  @SuppressWarnings("unchecked")
  void enterLocked() {
    Object s = slot;
    while (s != LOCKED) {
      // Ordering: the CAS takes what the slot held away from the fast paths, and acquires what
      // its writer published with it (a value, or a receive's fields).
      Object witness = FAST_SLOT.compareAndExchange(this, s, LOCKED);
      if (witness != s) {
        s = witness;
        continue;
      }
      if (s instanceof MpscRecv<?> r) {
        // A waiting receive: queue it, unless it was dropped in the meantime (it holds nothing
        // then). The CAS decides against the receive's own drop.
        if (MpscRecv.FAST.compareAndSet(r, MpscRecv.PARKED, MpscRecv.QUEUED)) {
          // Ordering: read after our CAS of its state; a receive that changes its waker writes
          // it, then reads its state: either it sees QUEUED and re-parks under the lock, or we
          // read its new waker here.
          receivers.park(r, (Waker) MpscRecv.WAKER.getVolatile(r));
        }
      } else if (s != null) {
        queue.addLast((T) s);
      }
      return;
    }
  }

  /**
   * Gives the channel back to the fast path if the queues hold nothing but, at most, one value.
   * Lock held, after {@link #enterLocked}.
   */
  void leaveLocked() {
    if (senderClosed || receiverClosed || reserved != 0 || !senders.isEmpty()
        || !receivers.isEmpty() || queue.size() > 1) {
      return; // a waiter, a kept slot, a second value or a close: the lock stays in charge
    }
    T only = queue.peekFirst();
    if (only != null && only instanceof MpscRecv<?>) {
      return; // a value that is itself a receive cannot sit in the slot
    }
    queue.clear();
    // Ordering: a volatile write; while the slot holds LOCKED no fast path writes it, and the
    // write publishes the value to the receive that takes it.
    FAST_SLOT.setVolatile(this, only);
  }

  /** Closes the sending side; returns the receives to wake. */
  synchronized WakeList closeSending() {
    WakeList wake = new WakeList();
    enterLocked();
    if (!senderClosed) {
      senderClosed = true;
      receivers.grantAll(CLOSED, wake);
    }
    return wake;
  }

  /**
   * Tries to deliver {@code value} without the lock: into the empty slot, or straight to the
   * receive waiting there.
   *
   * @return whether it was delivered (false: the lock is in charge, or the slot holds a value)
   */
  boolean trySendFast(T value) {
    Object s = slot;
    while (true) {
      if (s == null) {
        // If nothing is queued and nobody waits, the value takes the slot: a capacity of at
        // least one has room for it. A value that is a receive cannot be told from one there.
        if (value instanceof MpscRecv<?>) {
          return false;
        }
        // Ordering: the CAS publishes the value to the receive that takes it.
        Object witness = FAST_SLOT.compareAndExchange(this, null, value);
        if (witness == null) {
          return true;
        }
        s = witness;
      } else if (s instanceof MpscRecv<?> r) {
        // If a receive waits, take it out of the slot and hand it the value.
        Object witness = FAST_SLOT.compareAndExchange(this, s, null);
        if (witness == s) {
          handOver(r, value);
          return true;
        }
        s = witness;
      } else {
        return false; // the lock is in charge, or a value is queued already
      }
    }
  }

  /**
   * Hands {@code value} to {@code r}, which this thread took out of the slot, and wakes it; if
   * it was dropped meanwhile, delivers the value to the next receive or first in the queue.
   */
  @SuppressWarnings("unchecked")
  void handOver(MpscRecv<?> r, T value) {
    MpscRecv<T> recv = (MpscRecv<T>) r;
    recv.value = value;
    // Ordering: the CAS publishes the value to the receive, which reads its state first; it
    // decides against the receive's drop, which also needs PARKED.
    if (MpscRecv.FAST.compareAndSet(recv, MpscRecv.PARKED, MpscRecv.HANDED)) {
      // Ordering: read after the CAS; a receive that changes its waker writes it, then reads
      // its state: either it sees HANDED, or we wake its new waker.
      Waker w = (Waker) MpscRecv.WAKER.getVolatile(recv);
      WakeList.wake(w);
      return;
    }
    // Dropped after it left the slot: the value is nobody's yet.
    recv.value = null;
    redeliver(value);
  }

  /**
   * Delivers a value whose receive was abandoned: to the next receive, or first in the queue; once
   * the receiver closed, drops it (a close drops every queued value).
   */
  void redeliver(T value) {
    Waker w;
    boolean closed;
    synchronized (this) {
      enterLocked();
      closed = receiverClosed;
      w = deliver(value, /* atFront = */ true);
      leaveLocked();
    }
    WakeList.wake(w);
    if (closed) {
      Cancellation.discard(value, /* made = */ false); // nobody will receive it
    }
  }

  /**
   * For task dumps and messages: the channel's identity and what it holds now, read under its
   * lock, e.g. {@code Mpsc@1b6d3586[4 queued of 4, 2 sends waiting]}.
   */
  @Override
  public synchronized String toString() {
    Object s = slot;
    int queued = s == LOCKED ? queue.size() : s == null || s instanceof MpscRecv<?> ? 0 : 1;
    int recvs = receivers.size() + (s instanceof MpscRecv<?> ? 1 : 0);
    return "Mpsc@" + Integer.toHexString(System.identityHashCode(this)) + "[" + queued
        + (capacity == Integer.MAX_VALUE ? " queued" : " queued of " + capacity)
        + (senders.size() == 0 ? "" : ", " + senders.size() + " sends waiting")
        + (recvs == 0 ? "" : ", " + recvs + " receives waiting")
        + (senderClosed ? ", sender closed" : "") + (receiverClosed ? ", receiver closed" : "")
        + "]";
  }

  /** Counts the receives waiting, in the slot or the queue (for leak tests). */
  synchronized int waitingReceives() {
    return receivers.size() + (slot instanceof MpscRecv<?> ? 1 : 0);
  }

  /**
   * Delivers a value: hands it to the first waiting receive, or queues it; drops it if the
   * receiver closed (only a value given back by an abandoned receive gets here then: sends check
   * first; its caller gives back a permit or guard in it, outside the lock). Lock held.
   *
   * @param atFront queue it before the others (a value given back by an abandoned receive)
   * @return the waker of the receive it was handed to, or null
   */
  @SuppressWarnings("unchecked")
  Waker deliver(T value, boolean atFront) {
    if (receiverClosed) {
      return null; // the receiver closed: nobody will receive it (the caller gives it back)
    }
    MpscRecv<T> first = (MpscRecv<T>) receivers.peekFirst();
    if (first != null) {
      first.value = value;
      return receivers.grant(first, VALUE);
    }
    if (atFront) {
      queue.addFirst(value);
    } else {
      queue.addLast(value);
    }
    return null;
  }

  /** Whether a send that is not waiting may deliver its value now. Lock held. */
  boolean hasRoomForNewcomer() {
    return senders.isEmpty()
        && (!receivers.isEmpty() || queue.size() + reserved < capacity);
  }

  /**
   * After one slot was freed: if there is room, keeps a slot for the first waiting send. Lock
   * held.
   *
   * @return its waker, or null
   */
  Waker wakeNextSender() {
    if (senders.isEmpty() || queue.size() + reserved >= capacity) {
      return null;
    }
    reserved++;
    return senders.grantFirst(SLOT);
  }

  /**
   * Delivers {@code value} if there is room now, for {@link Mpsc.Sender#trySend}.
   *
   * @return whether it was delivered (false: the channel is full)
   * @throws ChannelClosedException if the receiver closed
   */
  boolean trySend(T value) {
    if (trySendFast(value)) {
      return true;
    }
    Waker w;
    synchronized (this) {
      enterLocked();
      try {
        checkOpen();
        if (!hasRoomForNewcomer()) {
          return false;
        }
        w = deliver(value, /* atFront = */ false);
      } finally {
        leaveLocked();
      }
    }
    WakeList.wake(w);
    return true;
  }

  /** Takes the next value if one is queued, else gives null, for {@link Mpsc.Receiver#tryRecv}. */
  @SuppressWarnings("unchecked")
  T tryRecv() {
    Object s = slot;
    while (s != LOCKED) {
      // If nothing is queued (the slot is empty, or a receive waits there), there is nothing.
      if (s == null || s instanceof MpscRecv<?>) {
        return null;
      }
      // The one queued value: take it. Ordering: the CAS acquires what its sender published.
      Object witness = FAST_SLOT.compareAndExchange(this, s, null);
      if (witness == s) {
        return (T) s;
      }
      s = witness;
    }
    Waker w = null;
    T value;
    synchronized (this) {
      enterLocked();
      value = queue.poll();
      if (value != null) {
        w = wakeNextSender();
      }
      leaveLocked();
    }
    WakeList.wake(w);
    return value;
  }

  /**
   * Closes the receiving side, for {@link Mpsc.Receiver#close}: drops the queued values, fails the
   * waiting sends and gives the waiting receives null. The lock stays in charge for good.
   */
  void closeReceiving() {
    WakeList wake = new WakeList();
    List<T> dropped;
    synchronized (this) {
      enterLocked();
      receiverClosed = true;
      dropped = queue.isEmpty() ? List.of() : new ArrayList<>(queue);
      queue.clear();
      senders.grantAll(RECEIVER_CLOSED, wake);
      receivers.grantAll(CLOSED, wake);
    }
    wake.wakeAll();
    // Nobody will receive them: a queued permit or guard is given back, as a combinator gives
    // back what nobody will see.
    for (T value : dropped) {
      Cancellation.discard(value, /* made = */ false);
    }
  }

  /** Whether the receiving side closed. */
  synchronized boolean isReceiverClosed() {
    return receiverClosed;
  }

  /** Whether the sending side closed, or its sender was garbage-collected. */
  synchronized boolean isSenderClosed() {
    return senderClosed;
  }

  /** Counts the sends waiting for room (for leak tests). */
  synchronized int waitingSends() {
    return senders.size();
  }

  /** Counts the slots promised to woken sends (for leak tests). */
  synchronized int reservedSlots() {
    return reserved;
  }

  /** Throws if a send may not deliver. Lock held. */
  void checkOpen() {
    if (receiverClosed) {
      throw new ChannelClosedException("the mpsc Receiver was closed: nobody will receive this");
    }
    if (senderClosed) {
      throw new IllegalStateException(
          "send after the mpsc Sender was closed: close() ends sending for every producer");
    }
  }
}

