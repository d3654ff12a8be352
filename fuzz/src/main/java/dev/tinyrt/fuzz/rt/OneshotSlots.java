// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.ChannelClosedException;
import dev.tinyrt.sync.Oneshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The program's oneshot channels and their ledger. Each slot pairs its senders and receivers first
 * come, first served: a receive takes the oldest channel whose receiver no receive took (making a
 * new channel if none is left), a send, close or drop the oldest channel whose sender nobody used.
 * Public because {@link Interp} is defined by another class loader.
 */
public final class OneshotSlots {

  /** Oneshot slots per program. */
  static final int SLOTS = 2;

  /** What a channel's sender did. */
  enum SenderFate { UNUSED, SENT, CLOSED, DROPPED }

  /** How a channel's receive ended. */
  enum ReceiverFate { UNCLAIMED, WAITING, RECEIVED, SAW_CLOSED, ABANDONED }

  /** One channel and what happened to each of its ends. */
  public static final class Pair {
    /** The slot, for reports. */
    final int slot;

    /** The sender; null once dropped, so the collector may close the channel. */
    volatile Oneshot.Sender<Long> sender;

    /** The receiver. */
    final Oneshot.Receiver<Long> receiver;

    /** What the sender did. */
    volatile SenderFate senderFate = SenderFate.UNUSED;

    /** The value sent, once {@link #senderFate} is SENT. */
    volatile long value;

    /** How the receive ended. */
    volatile ReceiverFate receiverFate = ReceiverFate.UNCLAIMED;

    /** What the receive returned, once RECEIVED. */
    volatile Long received;

    Pair(int slot) {
      this.slot = slot;
      Oneshot.Channel<Long> ch = Oneshot.channel();
      this.sender = ch.sender();
      this.receiver = ch.receiver();
    }

    /** @return the receiver, to await */
    public Oneshot.Receiver<Long> receiver() {
      return receiver;
    }

    /** @param value sends it, recording it first (the receiver may take it at once) */
    public void send(long value) {
      this.value = value;
      senderFate = SenderFate.SENT;
      sender.send(value);
    }

    /** Closes the sender without a value. */
    public void close() {
      senderFate = SenderFate.CLOSED;
      sender.close();
    }

    /** Lets go of the sender without sending or closing. */
    public void drop() {
      senderFate = SenderFate.DROPPED;
      sender = null;
    }

    /** Records that a receive awaits the receiver. */
    public void receiving() {
      receiverFate = ReceiverFate.WAITING;
    }

    /** @param value what the receive returned */
    public void received(Long value) {
      received = value;
      receiverFate = ReceiverFate.RECEIVED;
    }

    /** Records that the receive threw {@link ChannelClosedException}. */
    public void sawClosed() {
      receiverFate = ReceiverFate.SAW_CLOSED;
    }

    /** Records that the receive ended without a result (cancelled, abandoned). */
    public void abandoned() {
      if (receiverFate == ReceiverFate.WAITING) {
        receiverFate = ReceiverFate.ABANDONED;
      }
    }

    String name() {
      return "oneshot o" + slot + "#" + System.identityHashCode(this);
    }
  }

  /** Per slot, the channels whose receiver no receive took yet, oldest first. Guarded by this. */
  private final List<Deque<Pair>> freeReceivers = new ArrayList<>();

  /** Per slot, the channels whose sender nobody used yet, oldest first. Guarded by this. */
  private final List<Deque<Pair>> freeSenders = new ArrayList<>();

  /** Every channel made. Guarded by this. */
  private final List<Pair> all = new ArrayList<>();

  OneshotSlots() {
    for (int i = 0; i < SLOTS; i++) {
      freeReceivers.add(new ArrayDeque<>());
      freeSenders.add(new ArrayDeque<>());
    }
  }

  /**
   * @param slot the slot
   * @return the oldest channel of the slot whose receiver is free, now taken
   */
  public synchronized Pair takeReceiver(int slot) {
    Pair p = freeReceivers.get(slot).pollFirst();
    if (p == null) {
      p = made(slot);
      freeSenders.get(slot).addLast(p);
    }
    p.receiving();
    return p;
  }

  /**
   * @param slot the slot
   * @return the oldest channel of the slot whose sender is unused, now taken
   */
  public synchronized Pair takeSender(int slot) {
    Pair p = freeSenders.get(slot).pollFirst();
    if (p == null) {
      p = made(slot);
      freeReceivers.get(slot).addLast(p);
    }
    return p;
  }

  private Pair made(int slot) {
    Pair p = new Pair(slot);
    all.add(p);
    return p;
  }

  /**
   * @return whether a receive waits on a channel whose sender was dropped: the collector closes
   *     it, and wakes the receive, whenever it runs
   */
  synchronized boolean closingByCollector() {
    for (Pair p : all) {
      if (p.senderFate == SenderFate.DROPPED && p.receiverFate == ReceiverFate.WAITING) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks the ledger once every task ended: a receive got the value sent or saw the close, no
   * value was invented; a value sent to a receiver nobody took is still in its channel; a receive
   * abandoned left neither its waker nor the value behind.
   *
   * @param found where violations go
   */
  synchronized void check(List<String> found) {
    for (Pair p : all) {
      SenderFate s = p.senderFate;
      switch (p.receiverFate) {
        case RECEIVED -> {
          if (s != SenderFate.SENT || p.received == null || p.received != p.value) {
            found.add("oneshot: " + p.name() + " received " + p.received + " but its sender "
                + (s == SenderFate.SENT ? "sent " + p.value : "is " + s));
          }
        }
        case SAW_CLOSED -> {
          if (s != SenderFate.CLOSED && s != SenderFate.DROPPED) {
            found.add("oneshot: " + p.name() + "'s receive saw the channel closed but its sender"
                + " is " + s);
          }
        }
        case UNCLAIMED -> checkUnclaimed(p, s, found);
        case WAITING -> found.add("oneshot: " + p.name() + "'s receive never ended");
        case ABANDONED -> {
          if (Registered.oneshotHoldsWaker(p.receiver)) {
            found.add("oneshot: " + p.name() + " keeps the waker of its abandoned receive");
          }
          if (Registered.oneshotHoldsValue(p.receiver)) {
            found.add("oneshot: " + p.name() + " keeps a value for its abandoned receive");
          }
        }
        default -> throw new IllegalStateException("unknown fate " + p.receiverFate);
      }
    }
  }

  /** A receiver nobody awaited: what the sender did must be there for it. */
  private static void checkUnclaimed(Pair p, SenderFate s, List<String> found) {
    Poll<Long> poll;
    try {
      poll = p.receiver.poll(Context.from(Waker.noop()));
    } catch (ChannelClosedException e) {
      if (s != SenderFate.CLOSED && s != SenderFate.DROPPED) {
        found.add("oneshot: " + p.name() + " is closed but its sender is " + s);
      }
      return;
    }
    if (poll.isReady()) {
      if (s != SenderFate.SENT || poll.get() == null || poll.get() != p.value) {
        found.add("oneshot: " + p.name() + " holds " + poll.get() + " but its sender is " + s);
      }
    } else if (s == SenderFate.SENT || s == SenderFate.CLOSED) {
      found.add("oneshot: " + p.name() + " lost what its sender did (" + s + "): a receive "
          + "would wait forever");
    }
    p.receiver.drop();
  }
}
