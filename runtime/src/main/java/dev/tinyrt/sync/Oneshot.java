// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static dev.tinyrt.sync.OneshotCell.ABANDONED;
import static dev.tinyrt.sync.OneshotCell.CLOSED;
import static dev.tinyrt.sync.OneshotCell.DROPPED;
import static dev.tinyrt.sync.OneshotCell.TOOK_CLOSE;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.Cancellation;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * A channel that carries exactly one value from a {@link Sender} to a {@link Receiver}, which is a
 * {@link Future} of that value: the chapter's price lookups.
 *
 * <pre>{@code
 * Oneshot.Channel<Long> socks = Oneshot.channel();
 * worker.submit(() -> socks.sender().send(12L));
 * long price = Async.blockOn(socks.receiver());
 * }</pre>
 *
 * <p>Misuse fails loudly instead of hanging: a second {@code send} or a {@code send} after {@code
 * close} throws {@link IllegalStateException}; polling the receiver after it returned its value
 * throws {@link IllegalStateException}; a sender closed, or garbage-collected, without sending
 * makes the receiver throw {@link ChannelClosedException} (the package rule for every channel: a
 * gone sender closes it).
 *
 * <p>Cancel safety: a receiver abandoned ({@link Droppable#drop()}) while waiting takes its waker
 * back, so the channel holds no waker for it, and lets go of a value sent to it (a permit or guard
 * is given back, as is one sent after the drop).
 *
 * <p>A channel is two objects, 48 bytes: the receiver holds the channel's one word of state and is
 * itself the watch that notices an abandoned sender (see {@link OneshotCell}).
 */
public final class Oneshot {

  private Oneshot() {}

  /**
   * Creates a oneshot channel.
   *
   * @param <T> the type of the value it carries
   * @return the sender and receiver of a new channel
   */
  public static <T> Channel<T> channel() {
    Sender<T> sender = new Sender<>();
    return new Channel<>(sender, sender.receiver);
  }

  /**
   * The two ends of a oneshot channel.
   *
   * @param sender the sending end
   * @param receiver the receiving end, a future of the value
   * @param <T> the type of the value
   */
  public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {}

  /**
   * The sending end: call {@link #send} once, or {@link #close} to send nothing. A sender that is
   * garbage-collected without doing either counts as closed.
   *
   * @param <T> the type of the value
   */
  public static final class Sender<T> {

    /** The receiver, which holds the channel's state and watches this sender for abandonment. */
    private final Receiver<T> receiver;

    Sender() {
      // The receiver's watch refers to this sender, so the sender makes it: the channel closes if
      // this sender becomes unreachable before it sends or closes.
      this.receiver = new Receiver<>(this);
    }

    /**
     * Sends the value and wakes the receiver if it waits. Thread-safe; never blocks.
     *
     * @param value the value, may be {@code null}
     * @throws IllegalStateException if this sender already sent or was closed
     */
    public void send(T value) {
      Object before = receiver.complete(receiver.wrap(value), receiver.tookValue());
      // The common cases (nobody waited yet, a receiver waited) test nothing more.
      if (before != null && !(before instanceof Waker)) {
        if (before == DROPPED) {
          // The receiver is gone: nobody will see the value. A permit or guard is given back.
          Cancellation.discard(value, /* made = */ false);
        } else {
          throw new IllegalStateException(before == CLOSED || before == ABANDONED
              || before == TOOK_CLOSE
              ? "Oneshot.Sender.send after close(): the channel is closed and carries no value"
              : "Oneshot.Sender.send called twice: a oneshot channel carries exactly one value");
        }
      }
      // Sent: nothing to watch for any more.
      receiver.stopWatch();
      // This sender must count as reachable until its watch is stopped, or the collector could
      // report it abandoned in the middle of its own send.
      Reference.reachabilityFence(this);
    }

    /**
     * Closes the channel without a value: the receiver fails with {@link ChannelClosedException}.
     * Does nothing if the value was already sent or the sender already closed.
     */
    public void close() {
      if (OneshotCell.completed(receiver.complete(CLOSED, /* afterDrop = */ TOOK_CLOSE))) {
        receiver.stopWatch();
      }
      Reference.reachabilityFence(this);
    }

    @Override
    public String toString() {
      return "Oneshot.Sender[" + receiver.describe(receiver.slot) + "]";
    }
  }

  /**
   * The receiving end: a future of the value. It returns ready once, with the value; polling it
   * again throws.
   *
   * <p>It is also, as an implementation detail, the {@link java.lang.ref.PhantomReference} that
   * watches its sender for abandonment, and so has {@code Reference}'s public methods. They are
   * harmless: {@code get()} returns {@code null}, {@code refersTo} only tells whether the watch
   * still runs, and {@code clear()} and {@code enqueue()} do nothing (they cannot stop the watch or
   * close the channel).
   *
   * @param <T> the type of the value
   */
  public static final class Receiver<T> extends OneshotCell<T> implements Future<T>, Droppable {

    Receiver(Sender<T> sender) {
      super(sender);
    }

    @Override
    public Poll<T> poll(Context cx) {
      Objects.requireNonNull(cx, "cx");
      Waker w = cx.waker();
      Object s = slot;
      while (true) {
        // If the same waker is registered, there is nothing to do.
        if (s == w) {
          return Poll.pending();
        }
        // If nothing happened yet, or another waker is registered: register this poll's waker.
        if (s == null || s instanceof Waker) {
          // Register, or swap the old waker for this one (it is then never woken by the sender).
          // Ordering: the volatile compare-and-set publishes the waker to the sender, which reads
          // the slot with a volatile read; it fails if the sender finished meanwhile, and then the
          // loop sees its outcome.
          Object witness = compareAndExchange(s, w);
          if (witness == s) {
            return Poll.pending();
          }
          s = witness;
          continue;
        }
        // If the value is there, take it (s is neither null nor a waker here: anything but a
        // marker or this cell is a value). From here on the receiver is the slot's only writer.
        if (!(s instanceof OneshotCell.Marker) && !isTookValue(s)) {
          finish(tookValue());
          return Poll.ready(unwrap(s));
        }
        // If the sender finished without a value, fail.
        if (s == CLOSED || s == ABANDONED) {
          finish(TOOK_CLOSE);
          throw new ChannelClosedException(s == ABANDONED
              ? "the oneshot Sender was garbage-collected without sending a value: every "
                  + "Sender must send(value) or close()"
              : "the oneshot Sender was closed without sending a value");
        }
        // DROPPED, took the value or TOOK_CLOSE: this receiver already finished, a misuse. A
        // drop followed by the sender's send or close looks like a receive (the sender moves
        // DROPPED on), so the message names both.
        throw new IllegalStateException("Oneshot.Receiver polled after it "
            + (s == DROPPED ? "was dropped" : "delivered its value or its close, or was dropped")
            + ". A oneshot delivers once, and a select, race or timeout that another future won "
            + "(or a cancellation) drops the receiver it was given. Keep the value instead of "
            + "polling again; to wait for one oneshot in every turn of a loop, spawn it once "
            + "(Tasks.spawn(receiver)) and select on its JoinHandle, or use a Watch or Notify");
      }
    }

    /**
     * Abandons the receive: takes back a registered waker and lets go of a value already sent (a
     * permit or guard given back).
     * Any later send keeps nothing for it.
     */
    @Override
    public void drop() {
      Object s = slot;
      while (true) {
        // If the sender has not finished: take the waker back, if any, and finish in one step.
        // Fails if the sender finished or the slot changed meanwhile, and the loop looks again.
        if (s == null || s instanceof Waker) {
          Object witness = compareAndExchange(s, DROPPED);
          if (witness == s) {
            // Nobody waits for the value now: the sender's abandonment no longer matters.
            stopWatch();
            return;
          }
          s = witness;
          continue;
        }
        // If the value is there (anything but a marker or this cell, s being neither null nor a
        // waker here), let go of it; if the sender closed, finish. The receiver is the slot's only
        // writer from here on.
        if (!(s instanceof OneshotCell.Marker) && !isTookValue(s)) {
          finish(tookValue());
          // Nobody will see the value now: a permit or guard in it is given back.
          Cancellation.discard(unwrap(s), /* made = */ false);
        } else if (s == CLOSED || s == ABANDONED) {
          finish(TOOK_CLOSE);
        }
        // DROPPED, took the value or TOOK_CLOSE: it already finished and holds nothing.
        return;
      }
    }

    /** @return whether the channel still holds a waker registered by this receiver (tests) */
    boolean holdsWaker() {
      return slot instanceof Waker;
    }

    /** @return whether the channel still holds a value for this receiver (tests) */
    boolean holdsValue() {
      return isValue(slot);
    }

    @Override
    public String toString() {
      return "Oneshot.Receiver[" + describe(slot) + "]";
    }

    /** Renders the slot for {@code toString}. */
    private String describe(Object s) {
      if (s == DROPPED || isTookValue(s) || s == TOOK_CLOSE) {
        return "received";
      }
      if (s == ABANDONED) {
        return "abandoned";
      }
      if (s == CLOSED) {
        return "closed";
      }
      if (s == null) {
        return "empty";
      }
      return s instanceof Waker ? "receiver waiting" : "sent";
    }
  }
}
