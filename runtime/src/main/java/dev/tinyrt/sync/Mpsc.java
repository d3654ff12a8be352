// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * A multi-producer, single-consumer channel: tokio's {@code mpsc}. Bounded, sending is a future
 * that waits for room (backpressure); unbounded, it never waits.
 *
 * <pre>{@code
 * Mpsc.Channel<Job> jobs = Mpsc.bounded(16);
 * await(jobs.sender().send(job));            // waits while 16 jobs are queued
 * for (Job j; (j = await(jobs.receiver().recv())) != null; ) { ... }   // null: closed and drained
 * }</pre>
 *
 * <p>Closing from either side gives the other a clear result: after {@code Sender.close()} (or
 * once the sender is garbage-collected) the receiver drains what is queued, then {@code recv}
 * gives {@code null}; after {@code Receiver.close()} a send throws {@link ChannelClosedException}.
 * Values may not be null. Cancel safety: a {@code recv} abandoned before it returned loses
 * nothing; a {@code send} abandoned while waiting sends nothing and gives up its place.
 */
public final class Mpsc {

  private Mpsc() {}

  /**
   * Creates a channel holding at most {@code capacity} queued values.
   *
   * @param capacity at least 1
   * @param <T> the value type
   * @return its two ends
   */
  public static <T> Channel<T> bounded(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a bounded channel needs a capacity of at least 1");
    }
    return open(new State<>(capacity));
  }

  /**
   * Creates a channel whose sends never wait.
   *
   * @param <T> the value type
   * @return its two ends
   */
  public static <T> Channel<T> unbounded() {
    return open(new State<>(Integer.MAX_VALUE));
  }

  private static <T> Channel<T> open(State<T> state) {
    return new Channel<>(new Sender<>(state), new Receiver<>(state));
  }

  /**
   * The two ends of a channel.
   *
   * @param sender the sending end, shared by any number of producers
   * @param receiver the receiving end, for one consumer
   * @param <T> the value type
   */
  public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {}

  /** The state both ends share; every field is guarded by {@code this}. */
  private static final class State<T> {
    final int capacity;
    final ArrayDeque<T> queue = new ArrayDeque<>();
    final ArrayDeque<Waiter> senders = new ArrayDeque<>();
    /** Slots promised to senders told there is room, not yet used. */
    int reserved;
    Waker receiver;
    boolean senderClosed;
    boolean receiverClosed;

    State(int capacity) {
      this.capacity = capacity;
    }

    /** Closes the sending side and returns the receiver's waker to wake. */
    synchronized Waker closeSending() {
      if (senderClosed) {
        return null;
      }
      senderClosed = true;
      Waker w = receiver;
      receiver = null;
      return w;
    }
  }

  /** Closes the channel when its sender is garbage-collected without being closed. */
  private record Abandon(State<?> state) implements Runnable {
    @Override
    public void run() {
      Waker w = state.closeSending();
      if (w != null) {
        w.wake();
      }
    }
  }

  /**
   * The sending end.
   *
   * @param <T> the value type
   */
  public static final class Sender<T> {
    private final State<T> state;
    private final Cleaner.Cleanable abandonment;

    Sender(State<T> state) {
      this.state = state;
      this.abandonment = Abandonment.CLEANER.register(this, new Abandon(state));
    }

    /**
     * Returns a future that queues {@code value}, waiting for room in a full bounded channel.
     *
     * @param value not null
     * @return a future, ready once the value is queued
     */
    public Future<Void> send(T value) {
      return new Send<>(this, Objects.requireNonNull(value, "an mpsc value cannot be null"));
    }

    /**
     * Queues {@code value} if there is room now.
     *
     * @param value not null
     * @return whether it was queued (false: the channel is full)
     * @throws ChannelClosedException if the receiver closed
     */
    public boolean trySend(T value) {
      Objects.requireNonNull(value, "an mpsc value cannot be null");
      Waker w;
      synchronized (state) {
        checkOpen(state);
        if (!hasRoomForNewcomer(state)) {
          return false;
        }
        state.queue.add(value);
        w = state.receiver;
        state.receiver = null;
      }
      if (w != null) {
        w.wake();
      }
      return true;
    }

    /** Closes the sending side for every producer: the receiver drains the queue, then gets null. */
    public void close() {
      Waker w = state.closeSending();
      if (w != null) {
        w.wake();
      }
      abandonment.clean();
    }

    /** @return whether the receiver closed (sends would fail) */
    public boolean isClosed() {
      synchronized (state) {
        return state.receiverClosed;
      }
    }
  }

  private static void checkOpen(State<?> state) {
    if (state.receiverClosed) {
      throw new ChannelClosedException("the mpsc Receiver was closed: nobody will receive this");
    }
    if (state.senderClosed) {
      throw new IllegalStateException("send after the mpsc Sender was closed");
    }
  }

  /** A pending send: queues its value when there is room. */
  private static final class Send<T> implements Future<Void>, Droppable {
    /** Keeps the sender reachable while the send is in flight, so it is not seen as abandoned. */
    private final Sender<T> sender;
    private final State<T> state;
    private final T value;
    private final Waiter waiter = new Waiter(1);
    private boolean done;

    Send(Sender<T> sender, T value) {
      this.sender = sender;
      this.state = sender.state;
      this.value = value;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      if (done) {
        throw new IllegalStateException("polled an mpsc send after it completed");
      }
      Waker w;
      synchronized (state) {
        checkOpen(state);
        if (waiter.granted) {
          // A slot was kept for this send when it was told there is room.
          waiter.granted = false;
          state.reserved--;
        } else if (waiter.queued || !hasRoomForNewcomer(state)) {
          // Wait, behind the senders already waiting.
          waiter.waker = cx.waker();
          if (!waiter.queued) {
            waiter.queued = true;
            state.senders.addLast(waiter);
          }
          return Poll.pending();
        }
        state.queue.add(value);
        w = state.receiver;
        state.receiver = null;
        done = true;
      }
      if (w != null) {
        w.wake();
      }
      return Poll.ready(null);
    }

    @Override
    public void drop() {
      List<Waker> wake = Waiter.collector();
      synchronized (state) {
        if (done) {
          return;
        }
        done = true;
        if (waiter.queued) {
          state.senders.remove(waiter);
          waiter.queued = false;
        }
        // If a slot was kept for it, pass it on.
        if (waiter.granted) {
          waiter.granted = false;
          state.reserved--;
          wakeNextSender(state, wake);
        }
      }
      Waiter.wakeAll(wake);
    }
  }

  /** Whether a send that is not waiting may queue its value now. Lock held. */
  private static boolean hasRoomForNewcomer(State<?> state) {
    return state.senders.isEmpty() && state.queue.size() + state.reserved < state.capacity;
  }

  /** If there is room, keeps a slot for the first waiting sender and collects its waker. Lock held. */
  private static void wakeNextSender(State<?> state, List<Waker> wake) {
    if (state.queue.size() + state.reserved >= state.capacity) {
      return;
    }
    Waiter next = state.senders.pollFirst();
    if (next != null) {
      next.queued = false;
      next.granted = true;
      state.reserved++;
      wake.add(next.waker);
    }
  }

  /**
   * The receiving end, for one consumer task.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> {
    private final State<T> state;

    Receiver(State<T> state) {
      this.state = state;
    }

    /**
     * Returns a future of the next value, or of {@code null} once the sending side is closed and
     * every queued value was received.
     *
     * @return a new future
     */
    public Future<T> recv() {
      return cx -> {
        T value;
        List<Waker> wake = Waiter.collector();
        synchronized (state) {
          value = state.queue.poll();
          if (value == null) {
            if (state.senderClosed) {
              return Poll.ready(null);
            }
            state.receiver = cx.waker();
            return Poll.pending();
          }
          wakeNextSender(state, wake);
        }
        Waiter.wakeAll(wake);
        return Poll.ready(value);
      };
    }

    /** @return the next value if one is queued, else null */
    public T tryRecv() {
      List<Waker> wake = Waiter.collector();
      T value;
      synchronized (state) {
        value = state.queue.poll();
        if (value != null) {
          wakeNextSender(state, wake);
        }
      }
      Waiter.wakeAll(wake);
      return value;
    }

    /** Closes the receiving side: queued values are dropped and every send fails from now on. */
    public void close() {
      List<Waker> wake = Waiter.collector();
      synchronized (state) {
        state.receiverClosed = true;
        state.queue.clear();
        for (Waiter w : state.senders) {
          w.queued = false;
          wake.add(w.waker);
        }
        state.senders.clear();
      }
      Waiter.wakeAll(wake);
    }

    /** @return whether the sending side was closed, or its sender garbage-collected */
    public boolean isSenderClosed() {
      synchronized (state) {
        return state.senderClosed;
      }
    }
  }
}
