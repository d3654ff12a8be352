// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayList;
import java.util.List;
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
 * String first = await(mine.recv());      // null once the sender is closed and all is received
 * }</pre>
 *
 * <p>Cancel safety: an abandoned {@code recv} loses nothing.
 */
public final class Broadcast {

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
    final Object[] ring;
    /** Sequence number of the next value sent. */
    long tail;
    boolean closed;
    final List<Waker> waiting = new ArrayList<>();

    State(int capacity) {
      this.ring = new Object[capacity];
    }

    List<Waker> takeWaiting() {
      List<Waker> w = new ArrayList<>(waiting);
      waiting.clear();
      return w;
    }
  }

  /**
   * The sending end.
   *
   * @param <T> the value type
   */
  public static final class Sender<T> {
    private final State<T> state;

    Sender(State<T> state) {
      this.state = state;
    }

    /**
     * Sends {@code value} to every receiver, overwriting the oldest value kept if full.
     *
     * @param value not null
     * @throws IllegalStateException after {@link #close()}
     */
    public void send(T value) {
      Objects.requireNonNull(value, "a broadcast value cannot be null");
      List<Waker> wake;
      synchronized (state) {
        if (state.closed) {
          throw new IllegalStateException("send after the broadcast Sender was closed");
        }
        state.ring[(int) (state.tail % state.ring.length)] = value;
        state.tail++;
        wake = state.takeWaiting();
      }
      Waiter.wakeAll(wake);
    }

    /** @return a receiver that gets every value sent from now on */
    public Receiver<T> subscribe() {
      synchronized (state) {
        return new Receiver<>(state, state.tail);
      }
    }

    /** Closes the channel: receivers get what is left, then null. */
    public void close() {
      List<Waker> wake;
      synchronized (state) {
        state.closed = true;
        wake = state.takeWaiting();
      }
      Waiter.wakeAll(wake);
    }
  }

  /**
   * One subscriber's end.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> {
    private final State<T> state;

    /** Sequence number of the next value this receiver gets. Guarded by state. */
    private long next;

    Receiver(State<T> state, long next) {
      this.state = state;
      this.next = next;
    }

    /**
     * Returns a future of the next value; it throws {@link LaggedException} if values were lost,
     * and gives {@code null} once the sender is closed and everything was received.
     *
     * @return a new future
     */
    @SuppressWarnings("unchecked")
    public Future<T> recv() {
      return cx -> {
        synchronized (state) {
          long oldest = state.tail - state.ring.length;
          if (next < oldest) {
            long skipped = oldest - next;
            next = oldest;
            throw new LaggedException(skipped);
          }
          if (next < state.tail) {
            T value = (T) state.ring[(int) (next % state.ring.length)];
            next++;
            return Poll.ready(value);
          }
          if (state.closed) {
            return Poll.ready(null);
          }
          if (!state.waiting.contains(cx.waker())) {
            state.waiting.add(cx.waker());
          }
          return Poll.pending();
        }
      };
    }
  }
}
