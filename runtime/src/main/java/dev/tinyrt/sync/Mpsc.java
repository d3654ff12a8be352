// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A channel of many producers; the receiver may be shared: tokio's {@code mpsc}, with the
 * receiving end usable by several consumer tasks at once, as Kotlin's {@code Channel} and Go's
 * channels allow. Bounded, sending is a future that waits for room (backpressure); unbounded, it
 * never waits.
 *
 * <pre>{@code
 * Mpsc.Channel<Job> jobs = Mpsc.bounded(16);
 * await(jobs.sender().send(job));            // waits while 16 jobs are queued
 * for (Job j; (j = await(jobs.receiver().recv())) != null; ) { ... }   // null: closed and drained
 * }</pre>
 *
 * <p>Sharing the receiver: receives waiting at once queue fairly; each value wakes one of them
 * (a send that finds one waiting hands the value to it directly); closing wakes them all.
 *
 * <p>Closing follows the package rule: once the sender is gone ({@code Sender.close()}, or garbage
 * collected) the channel is closed and receivers drain what is queued, then {@code recv} gives
 * {@code null}; after {@code Receiver.close()} a send throws {@link ChannelClosedException}.
 * Values may not be null.
 *
 * <p>Cancel safety: a {@code recv} abandoned ({@link Droppable#drop()}) before it returned loses
 * nothing: a value handed to it goes to the next waiting receive, or back to the front of the
 * queue. A {@code send} abandoned while waiting sends nothing and gives up its place, and a slot
 * kept for it goes to the next waiting send. Both sides wait on the package's one {@code
 * WaitQueue}.
 */
public final class Mpsc {

  /** Grant to a waiting send: a slot was kept for its value. */
  private static final int SLOT = 1;

  /** Grant to a waiting send: the receiver closed, the send fails. */
  private static final int RECEIVER_CLOSED = 2;

  /** Grant to a waiting receive: a value was handed to it, in {@code Recv.value}. */
  private static final int VALUE = 1;

  /** Grant to a waiting receive: the channel closed, it gives null. */
  private static final int CLOSED = 2;

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
   * @param receiver the receiving end, which any number of consumers may share
   * @param <T> the value type
   */
  public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {}

  /** The state both ends share; every field is guarded by {@code this}. */
  private static final class State<T> {

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

    State(int capacity) {
      this.capacity = capacity;
    }

    /** Closes the sending side; returns the receives to wake. */
    synchronized WakeList closeSending() {
      WakeList wake = new WakeList();
      if (!senderClosed) {
        senderClosed = true;
        receivers.grantAll(CLOSED, wake);
      }
      return wake;
    }

    /**
     * Delivers a value: hands it to the first waiting receive, or queues it. Lock held.
     *
     * @param atFront queue it before the others (a value given back by an abandoned receive)
     * @return the waker of the receive it was handed to, or null
     */
    @SuppressWarnings("unchecked")
    Waker deliver(T value, boolean atFront) {
      Recv<T> first = (Recv<T>) receivers.peekFirst();
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

  /** Closes the channel when its sender is garbage-collected without being closed. */
  private record Abandon(State<?> state) implements Runnable {
    @Override
    public void run() {
      state.closeSending().wakeAll();
    }
  }

  /**
   * The sending end, shared by any number of producers.
   *
   * @param <T> the value type
   */
  public static final class Sender<T> {

    /** The channel. */
    private final State<T> state;

    /** Closes the channel once this sender is unreachable; {@link #close()} runs it early. */
    private final Cleaner.Cleanable abandonment;

    Sender(State<T> state) {
      this.state = state;
      this.abandonment = Abandonment.CLEANER.register(this, new Abandon(state));
    }

    /**
     * Returns a future that delivers {@code value}, waiting for room in a full bounded channel.
     *
     * @param value not null
     * @return a future, ready once the value is queued or handed to a receive
     */
    public Future<Void> send(T value) {
      return new Send<>(this, Objects.requireNonNull(value, "an mpsc value cannot be null"));
    }

    /**
     * Delivers {@code value} if there is room now.
     *
     * @param value not null
     * @return whether it was delivered (false: the channel is full)
     * @throws ChannelClosedException if the receiver closed
     */
    public boolean trySend(T value) {
      Objects.requireNonNull(value, "an mpsc value cannot be null");
      Waker w;
      synchronized (state) {
        state.checkOpen();
        if (!state.hasRoomForNewcomer()) {
          return false;
        }
        w = state.deliver(value, /* atFront = */ false);
      }
      WakeList.wake(w);
      return true;
    }

    /** Closes the sending side for every producer: receivers drain the queue, then get null. */
    public void close() {
      abandonment.clean();
    }

    /** @return whether the receiver closed (sends would fail) */
    public boolean isClosed() {
      synchronized (state) {
        return state.receiverClosed;
      }
    }

    /** @return how many sends wait for room (for leak tests) */
    int waitingSends() {
      synchronized (state) {
        return state.senders.size();
      }
    }

    /** @return how many slots are promised to woken sends (for leak tests) */
    int reservedSlots() {
      synchronized (state) {
        return state.reserved;
      }
    }
  }

  /** A send, its own node in the senders' wait queue. */
  private static final class Send<T> extends WaitNode implements Future<Void>, Droppable {

    /** Keeps the sender reachable while the send is in flight, so it is not seen as abandoned. */
    private final Sender<T> sender;

    /** The channel. */
    private final State<T> state;

    /** The value to deliver. */
    private final T value;

    Send(Sender<T> sender, T value) {
      this.sender = sender;
      this.state = sender.state;
      this.value = value;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      Waker receiver;
      Waker nextSender = null;
      synchronized (state) {
        if (isDone()) {
          throw new IllegalStateException("polled an mpsc send after it completed");
        }
        if (state.receiverClosed || state.senderClosed) {
          if (state.senders.abandon(this) == SLOT) {
            state.reserved--;
          }
          state.checkOpen();
        }
        if (isGranted()) {
          // A slot was kept for this send when it was told there is room.
          consumeGrant();
          state.reserved--;
          receiver = state.deliver(value, /* atFront = */ false);
          // Handed straight to a receive, the kept slot is free again.
          nextSender = state.wakeNextSender();
        } else if (isQueued() || !state.hasRoomForNewcomer()) {
          // Wait, behind the senders already waiting.
          state.senders.park(this, cx.waker());
          return Poll.pending();
        } else {
          finish();
          receiver = state.deliver(value, /* atFront = */ false);
        }
      }
      WakeList.wake(receiver);
      WakeList.wake(nextSender);
      return Poll.ready(null);
    }

    @Override
    public void drop() {
      Waker w = null;
      synchronized (state) {
        if (state.senders.abandon(this) == SLOT) {
          // A slot was kept for it: pass it on.
          state.reserved--;
          w = state.wakeNextSender();
        }
      }
      WakeList.wake(w);
    }
  }

  /**
   * The receiving end; any number of consumer tasks may share it.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> {

    /** The channel. */
    private final State<T> state;

    Receiver(State<T> state) {
      this.state = state;
    }

    /**
     * Returns a future of the next value, or of {@code null} once the channel is closed and every
     * queued value was received. Cancel safe: abandoned, it loses no value.
     *
     * @return a new future
     */
    public Future<T> recv() {
      return new Recv<>(state);
    }

    /** @return the next value if one is queued, else null */
    public T tryRecv() {
      Waker w = null;
      T value;
      synchronized (state) {
        value = state.queue.poll();
        if (value != null) {
          w = state.wakeNextSender();
        }
      }
      WakeList.wake(w);
      return value;
    }

    /**
     * Closes the receiving side for every consumer: queued values are dropped, waiting receives
     * give null, and every send fails from now on.
     */
    public void close() {
      WakeList wake = new WakeList();
      synchronized (state) {
        state.receiverClosed = true;
        state.queue.clear();
        state.senders.grantAll(RECEIVER_CLOSED, wake);
        state.receivers.grantAll(CLOSED, wake);
      }
      wake.wakeAll();
    }

    /** @return whether the sending side was closed, or its sender garbage-collected */
    public boolean isSenderClosed() {
      synchronized (state) {
        return state.senderClosed;
      }
    }

    /** @return how many receives wait for a value (for leak tests) */
    int waitingReceives() {
      synchronized (state) {
        return state.receivers.size();
      }
    }
  }

  /** A receive, its own node in the receivers' wait queue. */
  private static final class Recv<T> extends WaitNode implements Future<T>, Droppable {

    /** The channel. */
    private final State<T> state;

    /** The value a send handed to this receive; guarded by the state. */
    T value;

    Recv(State<T> state) {
      this.state = state;
    }

    @Override
    public Poll<T> poll(Context cx) {
      T v;
      Waker w;
      synchronized (state) {
        if (isDone()) {
          throw new IllegalStateException(
              "polled an mpsc recv after it completed: call recv() again for the next value");
        }
        if (isGranted() && consumeGrant() == VALUE) {
          // A handed value never took a slot: nobody to tell there is room.
          v = value;
          value = null;
          return Poll.ready(v);
        }
        // Woken by a close, or not woken: take what is queued, if anything.
        v = state.queue.poll();
        if (v == null) {
          if (state.senderClosed || state.receiverClosed) {
            finish();
            return Poll.ready(null);
          }
          state.receivers.park(this, cx.waker());
          return Poll.pending();
        }
        finish();
        w = state.wakeNextSender();
      }
      WakeList.wake(w);
      return Poll.ready(v);
    }

    @Override
    public void drop() {
      Waker w = null;
      synchronized (state) {
        if (state.receivers.abandon(this) == VALUE) {
          // A value was handed to it: it goes to the next receive, or first in the queue.
          T v = value;
          value = null;
          w = state.deliver(v, /* atFront = */ true);
        }
      }
      WakeList.wake(w);
    }
  }
}
