// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.CallSite;
import java.lang.ref.Cleaner;
import java.util.Objects;

/**
 * A channel whose every receiver gets every value: tokio's {@code broadcast}. It keeps the last
 * {@code capacity} values; a receiver that falls further behind gets {@link LaggedException} once,
 * then goes on from the oldest value kept. Sending never waits.
 *
 * <pre>{@code
 * Broadcast.Sender<String> news = Broadcast.channel(64);
 * Broadcast.Receiver<String> mine = news.subscribe();
 * news.send("hello");
 * String first = await(mine.recv());      // null once the sender is gone and all is received
 * }</pre>
 *
 * <p>Closing follows the package rule: once the sender is gone ({@link Sender#close()}, or garbage
 * collected) the channel is closed; each receiver gets what is still kept for it, then {@code
 * recv} gives {@code null} (values cannot be null).
 *
 * <p>Cancel safety: an abandoned ({@link Droppable#drop()}) {@code recv} loses nothing and leaves
 * the package's one {@code WaitQueue} in O(1), holding no waker.
 */
public final class Broadcast {

  /** Grant to a waiting receive: something changed (a value or the close), look again. */
  private static final int WOKEN = 1;

  private Broadcast() {}

  /**
   * Creates a channel keeping the last {@code capacity} values.
   *
   * @param capacity at least 1
   * @param <T> the value type
   * @return its sender; receivers come from {@link Sender#subscribe()}
   */
  public static <T> Sender<T> channel(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a broadcast channel needs a capacity of at least 1");
    }
    return new Sender<>(new State<>(capacity));
  }

  /** Shared state; guarded by {@code this}. */
  private static final class State<T> {

    /** The last values sent, value number {@code n} at {@code n % ring.length}. */
    final Object[] ring;

    /** Sequence number of the next value sent. */
    long tail;

    /** Set once the sender closed or was garbage-collected. */
    boolean closed;

    /** Receives waiting for the next value. */
    final WaitQueue waiting = new WaitQueue();

    State(int capacity) {
      this.ring = new Object[capacity];
    }

    /** Closes the channel and wakes every waiting receive; does nothing if closed. */
    void close() {
      WakeList wake = new WakeList();
      synchronized (this) {
        closed = true;
        waiting.grantAll(WOKEN, wake);
      }
      wake.wakeAll();
    }
  }

  /** Closes the channel when its sender is garbage-collected without being closed. */
  private record Abandon(State<?> state) implements Runnable {
    @Override
    public void run() {
      state.close();
    }
  }

  /**
   * The sending end.
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
     * Sends {@code value} to every receiver, overwriting the oldest value kept if full.
     *
     * @param value not null
     * @throws IllegalStateException after {@link #close()}
     */
    public void send(T value) {
      Objects.requireNonNull(value, "a broadcast value cannot be null");
      WakeList wake = new WakeList();
      synchronized (state) {
        if (state.closed) {
          throw new IllegalStateException("send after the broadcast Sender was closed");
        }
        state.ring[(int) (state.tail % state.ring.length)] = value;
        state.tail++;
        state.waiting.grantAll(WOKEN, wake);
      }
      wake.wakeAll();
    }

    /** @return a receiver that gets every value sent from now on */
    public Receiver<T> subscribe() {
      synchronized (state) {
        return new Receiver<>(state, state.tail);
      }
    }

    /** Closes the channel: receivers get what is left, then null. A second call does nothing. */
    public void close() {
      // Closed before returning, even while another close runs the cleaner's action: the Cleaner
      // runs it once, and a second clean() returns before the first finished.
      state.close();
      abandonment.clean();
    }

    /** @return how many receives wait (for leak tests) */
    int waitingReceives() {
      synchronized (state) {
        return state.waiting.size();
      }
    }
  }

  /**
   * One subscriber's end.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> {

    /** The channel. */
    private final State<T> state;

    /** Sequence number of the next value this receiver gets. Guarded by state. */
    private long next;

    Receiver(State<T> state, long next) {
      this.state = state;
      this.next = next;
    }

    /**
     * Returns a future of the next value; it throws {@link LaggedException} if values were lost,
     * and gives {@code null} once the sender is gone and everything was received. Cancel safe.
     *
     * @return a new future
     */
    public Future<T> recv() {
      return new Recv<>(this);
    }
  }

  /** A receive, its own node in the channel's wait queue. */
  private static final class Recv<T> extends WaitNode implements Future<T>, Droppable {

    /** The receiver it reads for. */
    private final Receiver<T> receiver;

    Recv(Receiver<T> receiver) {
      this.receiver = receiver;
    }

    /** For task dumps: the channel it waits on. */
    @Override
    public String toString() {
      return "Broadcast recv on Broadcast@"
          + Integer.toHexString(System.identityHashCode(receiver.state));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<T> poll(Context cx) {
      State<T> state = receiver.state;
      synchronized (state) {
        if (isDone()) {
          throw new IllegalStateException(CallSite.withUserCode(
              "polled a broadcast recv after it completed", "in")
              + ": call recv() again for the next value");
        }
        if (isGranted()) {
          rearm();
        }
        long oldest = state.tail - state.ring.length;
        if (receiver.next < oldest) {
          long skipped = oldest - receiver.next;
          receiver.next = oldest;
          finish();
          throw new LaggedException(skipped);
        }
        if (receiver.next < state.tail) {
          T value = (T) state.ring[(int) (receiver.next % state.ring.length)];
          receiver.next++;
          finish();
          return Poll.ready(value);
        }
        if (state.closed) {
          finish();
          return Poll.readyNull();
        }
        state.waiting.park(this, cx.waker());
        return Poll.pending();
      }
    }

    @Override
    public void drop() {
      synchronized (receiver.state) {
        // A wake is all it was granted: nothing to pass on.
        receiver.state.waiting.abandon(this);
      }
    }
  }
}
