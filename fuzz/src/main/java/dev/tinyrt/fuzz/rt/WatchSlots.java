// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.sync.Watch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The program's watch channels and their ledger. A slot holds one channel at a time; closing it
 * opens a new one, so later nodes of the slot go on with the new channel while the waits on the
 * old one must all end (with a value they had not seen, or closed). Public because {@link Interp}
 * is defined by another class loader.
 */
public final class WatchSlots {

  /** Watch slots per program. */
  static final int SLOTS = 2;

  /** The initial value of every channel: never sent, so never a change. */
  static final long INITIAL = -1;

  /** One channel of a slot. */
  public static final class Generation {
    /** The channel. */
    final Watch.Channel<Long> channel = Watch.channel(INITIAL);

    /** Values whose send returned or is under way. */
    final Set<Long> sent = ConcurrentHashMap.newKeySet();

    /** Set once its close began. */
    volatile boolean closed;

    /** @return a new receiver, which has seen the current value */
    public Watch.Receiver<Long> subscribe() {
      return channel.sender().subscribe();
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
        channel.sender().send(value);
        return true;
      } catch (IllegalStateException closedMeanwhile) {
        sent.remove(value);
        if (!closed) {
          throw closedMeanwhile;
        }
        return false;
      }
    }
  }

  /** Each slot's current channel. */
  private final List<AtomicReference<Generation>> slots = new ArrayList<>();

  /** Every channel made. */
  private final List<Generation> all = new CopyOnWriteArrayList<>();

  /** Violations seen while the program ran. */
  private final List<String> violations = new CopyOnWriteArrayList<>();

  WatchSlots() {
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
    old.channel.sender().close();
  }

  /**
   * Records what a {@code changed()} of {@code g} returned.
   *
   * @param g the channel
   * @param value the value
   */
  public void changed(Generation g, Long value) {
    if (value == null || !g.sent.contains(value)) {
      violations.add("watch: changed() returned " + value + ", which was never sent on its "
          + "channel");
    }
  }

  /**
   * Records that a {@code changed()} of {@code g} threw {@code ChannelClosedException}.
   *
   * @param g the channel
   */
  public void sawClosed(Generation g) {
    if (!g.closed) {
      violations.add("watch: changed() threw ChannelClosedException but its channel is open");
    }
  }

  /**
   * Checks, once every task ended, what was seen while the program ran and that no channel still
   * queues a {@code changed()}.
   *
   * @param found where violations go
   */
  void check(List<String> found) {
    found.addAll(violations);
    for (Generation g : all) {
      int waiting = Registered.count(g.channel.sender(), "waitingReceives");
      if (waiting != 0) {
        found.add("registered: a watch channel still queues " + waiting + " changed() after every"
            + " task ended");
      }
    }
  }
}
