// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.sync.Broadcast;
import dev.tinyrt.sync.LaggedException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The program's broadcast channels and their ledger. A slot holds one channel at a time, of
 * capacity {@link #CAPACITY}, with {@link #RECEIVERS} receivers subscribed when it opened that any
 * number of nodes share; closing it opens a new one. Checked: every value a receiver got was sent,
 * none twice to one receiver, and what each receiver got, skipped (lagged) and still has adds up to
 * every value sent. Public because {@link Interp} is defined by another class loader.
 */
public final class BroadcastSlots {

  /** Broadcast slots per program. */
  static final int SLOTS = 2;

  /** Values a channel keeps: small, so receivers lag. */
  static final int CAPACITY = 2;

  /** Long-lived receivers per channel. */
  static final int RECEIVERS = 2;

  /** One channel of a slot. */
  public static final class Generation {
    /** The sender. */
    final Broadcast.Sender<Long> sender = Broadcast.channel(CAPACITY);

    /** The long-lived receivers, subscribed before any send. */
    final List<Broadcast.Receiver<Long>> receivers = new ArrayList<>();

    /** Values whose send returned or is under way. */
    final Set<Long> sent = ConcurrentHashMap.newKeySet();

    /** Per receiver, the values it returned, duplicates kept. */
    final List<List<Long>> got = new ArrayList<>();

    /** Per receiver, how many values it reported skipped. */
    final List<AtomicLong> skipped = new ArrayList<>();

    /** Set once its close began. */
    volatile boolean closed;

    Generation() {
      for (int i = 0; i < RECEIVERS; i++) {
        receivers.add(sender.subscribe());
        got.add(new CopyOnWriteArrayList<>());
        skipped.add(new AtomicLong());
      }
    }

    /**
     * @param i which one
     * @return long-lived receiver {@code i}
     */
    public Broadcast.Receiver<Long> receiver(int i) {
      return receivers.get(i);
    }

    /**
     * Sends {@code value}, recorded first (a waiting receive may return it before send returns).
     *
     * @param value a fresh value
     * @return whether it was sent (false: the channel was closed meanwhile)
     */
    public boolean send(long value) {
      sent.add(value);
      try {
        sender.send(value);
        return true;
      } catch (IllegalStateException closedMeanwhile) {
        sent.remove(value);
        if (!closed) {
          throw closedMeanwhile;
        }
        return false;
      }
    }

    /**
     * Records what a receive on receiver {@code i} returned.
     *
     * @param i the receiver
     * @param value the value, or null (closed)
     * @return a violation, or null
     */
    public String received(int i, Long value) {
      if (value == null) {
        return closed ? null
            : "broadcast: a receive returned null (closed) but its channel is open";
      }
      got.get(i).add(value);
      return null;
    }

    /**
     * @param i the receiver
     * @param e what its receive threw
     */
    public void lagged(int i, LaggedException e) {
      skipped.get(i).addAndGet(e.skipped());
    }
  }

  /** Each slot's current channel. */
  private final List<AtomicReference<Generation>> slots = new ArrayList<>();

  /** Every channel made. */
  private final List<Generation> all = new CopyOnWriteArrayList<>();

  /** Violations seen while the program ran. */
  private final List<String> violations = new CopyOnWriteArrayList<>();

  BroadcastSlots() {
    for (int i = 0; i < SLOTS; i++) {
      Generation g = new Generation();
      all.add(g);
      slots.add(new AtomicReference<>(g));
    }
  }

  /**
   * @param slot the slot
   * @return its current channel
   */
  public Generation current(int slot) {
    return slots.get(slot).get();
  }

  /**
   * Closes the slot's current channel after putting a new one in its place.
   *
   * @param slot the slot
   */
  public void close(int slot) {
    Generation fresh = new Generation();
    all.add(fresh);
    Generation old = slots.get(slot).getAndSet(fresh);
    old.closed = true;
    old.sender.close();
  }

  /**
   * Records what a receive returned.
   *
   * @param g the channel
   * @param i the receiver
   * @param value the value, or null
   */
  public void received(Generation g, int i, Long value) {
    String v = g.received(i, value);
    if (v != null) {
      violations.add(v);
    }
  }

  /**
   * Checks, once every task ended: drains each receiver by hand and adds up what it got, skipped
   * and still had; no channel still queues a receive.
   *
   * @param found where violations go
   */
  void check(List<String> found) {
    found.addAll(violations);
    Context cx = Context.from(Waker.noop());
    int index = 0;
    for (Generation g : all) {
      String name = "broadcast channel #" + index++;
      int waiting = Registered.count(g.sender, "waitingReceives");
      if (waiting != 0) {
        found.add("registered: " + name + " still queues " + waiting + " receive(s) after every "
            + "task ended");
      }
      for (int i = 0; i < RECEIVERS; i++) {
        List<Long> got = new ArrayList<>(g.got.get(i));
        long skipped = g.skipped.get(i).get();
        // What is still kept for it.
        for (int guard = 0; guard < CAPACITY + 2; guard++) {
          Future<Long> recv = g.receivers.get(i).recv();
          Poll<Long> p;
          try {
            p = recv.poll(cx);
          } catch (LaggedException e) {
            skipped += e.skipped();
            continue;
          }
          if (p.isPending()) {
            ((Droppable) recv).drop();
            break;
          }
          if (p.get() == null) {
            break;
          }
          got.add(p.get());
        }
        Set<Long> once = new HashSet<>();
        for (Long v : got) {
          if (!once.add(v)) {
            found.add("broadcast: " + name + " receiver r" + i + " got " + v + " twice");
          } else if (!g.sent.contains(v)) {
            found.add("broadcast: " + name + " receiver r" + i + " got " + v + ", never sent");
          }
        }
        if (once.size() + skipped != g.sent.size()) {
          found.add("broadcast: " + name + " receiver r" + i + " got " + once.size()
              + " values and skipped " + skipped + " of the " + g.sent.size() + " sent: "
              + (once.size() + skipped < g.sent.size() ? "values were lost" : "counted twice"));
        }
      }
    }
  }
}
