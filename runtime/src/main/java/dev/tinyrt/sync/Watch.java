// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.CallSite;
import java.lang.ref.Cleaner;

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
 *
 * <p>Closing follows the package rule: once the sender is gone ({@link Sender#close()}, or garbage
 * collected) the channel is closed; a receiver that has not seen the latest value still gets it
 * from {@code changed()}, then {@code changed()} throws {@link ChannelClosedException} (values may
 * be null, so null cannot mean closed). {@code borrow()} keeps working.
 *
 * <p>Cancel safety: an abandoned ({@link Droppable#drop()}) {@code changed} loses nothing and
 * leaves the package's one {@code WaitQueue} in O(1), holding no waker.
 */
public final class Watch {

  /** Grant to a waiting {@code changed}: a new value or the close, look again. */
  private static final int WOKEN = 1;

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

    /** The latest value. */
    T value;

    /** How many values were sent after the first. */
    long version;

    /** Set once the sender closed or was garbage-collected. */
    boolean closed;

    /** Set with {@link #closed} when the sender was garbage-collected rather than closed. */
    boolean abandoned;

    /** {@code changed} futures waiting for a new version. */
    final WaitQueue waiting = new WaitQueue();

    State(T value) {
      this.value = value;
    }

    /** Closes the channel and wakes every waiting receive; does nothing if closed. */
    void close(boolean byGc) {
      WakeList wake = new WakeList();
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        abandoned = byGc;
        waiting.grantAll(WOKEN, wake);
      }
      wake.wakeAll();
    }
  }

  /** Closes the channel when its sender is garbage-collected without being closed. */
  private record Abandon(State<?> state) implements Runnable {
    @Override
    public void run() {
      state.close(/* byGc = */ true);
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

    /** Closes the channel once this sender is unreachable; cleaned by {@link #close()}. */
    private final Cleaner.Cleanable abandonment;

    Sender(State<T> state) {
      this.state = state;
      this.abandonment = Abandonment.CLEANER.register(this, new Abandon(state));
    }

    /**
     * Replaces the value and wakes every receiver waiting for a change.
     *
     * @param value the new value
     * @throws IllegalStateException after {@link #close()}
     */
    public void send(T value) {
      WakeList wake = new WakeList();
      synchronized (state) {
        if (state.closed) {
          throw new IllegalStateException("send after the watch Sender was closed");
        }
        state.value = value;
        state.version++;
        state.waiting.grantAll(WOKEN, wake);
      }
      wake.wakeAll();
    }

    /** @return a new receiver, which has seen the current value */
    public Receiver<T> subscribe() {
      synchronized (state) {
        return new Receiver<>(state, state.version);
      }
    }

    /**
     * Closes the channel: receivers get a value they have not seen, then {@code changed()} fails
     * with {@link ChannelClosedException}. A second call does nothing.
     */
    public void close() {
      state.close(/* byGc = */ false);
      abandonment.clean();
    }

    /** @return how many {@code changed} futures wait (for leak tests) */
    int waitingReceives() {
      synchronized (state) {
        return state.waiting.size();
      }
    }
  }

  /**
   * A receiving end.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> {

    /** The channel. */
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
     * ChannelClosedException} once the sender is gone and nothing new is left. Cancel safe.
     *
     * @return a new future
     */
    public Future<T> changed() {
      return new Changed<>(this);
    }
  }

  /** A wait for a new value, its own node in the channel's wait queue. */
  private static final class Changed<T> extends WaitNode implements Future<T>, Droppable {

    /** The receiver it waits for. */
    private final Receiver<T> receiver;

    Changed(Receiver<T> receiver) {
      this.receiver = receiver;
    }

    /** For task dumps: the channel it waits on. */
    @Override
    public String toString() {
      return "Watch changed() on Watch@"
          + Integer.toHexString(System.identityHashCode(receiver.state));
    }

    @Override
    public Poll<T> poll(Context cx) {
      State<T> state = receiver.state;
      synchronized (state) {
        if (isDone()) {
          throw new IllegalStateException(CallSite.withUserCode(
              "polled a watch changed() after it completed", "in")
              + ": call changed() again to wait again");
        }
        if (isGranted()) {
          rearm();
        }
        if (state.version != receiver.seen) {
          receiver.seen = state.version;
          finish();
          return Poll.ready(state.value);
        }
        if (state.closed) {
          finish();
          throw new ChannelClosedException(state.abandoned
              ? "the watch Sender was garbage-collected without close(): no value will change; "
                  + "keep the Sender reachable while it sends, and close() it when done"
              : "the watch Sender was closed: no value will change");
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
