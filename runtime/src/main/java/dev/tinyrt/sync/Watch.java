// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel that holds only the latest value: tokio's {@code watch}. Receivers read it at any time
 * and can wait for it to change; values sent in between are not queued.
 *
 * <pre>{@code
 * Watch.Channel<Config> config = Watch.channel(initial);
 * config.sender().send(updated);
 * Config now = config.receiver().borrow();
 * Config next = await(config.receiver().changed());   // throws ChannelClosedException once closed
 * }</pre>
 */
public final class Watch {

  private Watch() {}

  /**
   * Creates a channel holding {@code initial}.
   *
   * @param initial the first value
   * @param <T> the value type
   * @return its sender and a first receiver
   */
  public static <T> Channel<T> channel(T initial) {
    State<T> state = new State<>(initial);
    return new Channel<>(new Sender<>(state), new Receiver<>(state, 0));
  }

  /**
   * The two ends of a channel.
   *
   * @param sender the sending end
   * @param receiver a receiving end; more come from {@link Sender#subscribe()}
   * @param <T> the value type
   */
  public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {}

  /** Shared state; guarded by {@code this}. */
  private static final class State<T> {
    T value;
    long version;
    boolean closed;
    final List<Waker> waiting = new ArrayList<>();

    State(T value) {
      this.value = value;
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
     * Replaces the value and wakes every receiver waiting for a change.
     *
     * @param value the new value
     * @throws IllegalStateException after {@link #close()}
     */
    public void send(T value) {
      List<Waker> wake;
      synchronized (state) {
        if (state.closed) {
          throw new IllegalStateException("send after the watch Sender was closed");
        }
        state.value = value;
        state.version++;
        wake = new ArrayList<>(state.waiting);
        state.waiting.clear();
      }
      Waiter.wakeAll(wake);
    }

    /** @return a new receiver, which has seen the current value */
    public Receiver<T> subscribe() {
      synchronized (state) {
        return new Receiver<>(state, state.version);
      }
    }

    /** Closes the channel: waiting receivers fail with {@link ChannelClosedException}. */
    public void close() {
      List<Waker> wake;
      synchronized (state) {
        state.closed = true;
        wake = new ArrayList<>(state.waiting);
        state.waiting.clear();
      }
      Waiter.wakeAll(wake);
    }
  }

  /**
   * A receiving end.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> {
    private final State<T> state;

    /** The version this receiver has seen. Guarded by state. */
    private long seen;

    Receiver(State<T> state, long seen) {
      this.state = state;
      this.seen = seen;
    }

    /** @return the latest value, marking it seen */
    public T borrow() {
      synchronized (state) {
        seen = state.version;
        return state.value;
      }
    }

    /**
     * Returns a future of the next value this receiver has not seen. It throws {@link
     * ChannelClosedException} once the sender is closed and nothing new is left.
     *
     * @return a new future
     */
    public Future<T> changed() {
      return cx -> {
        synchronized (state) {
          if (state.version != seen) {
            seen = state.version;
            return Poll.ready(state.value);
          }
          if (state.closed) {
            throw new ChannelClosedException("the watch Sender was closed: no value will change");
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
