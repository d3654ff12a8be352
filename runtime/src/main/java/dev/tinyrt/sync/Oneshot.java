// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static dev.tinyrt.sync.OneshotCell.ABANDONED;
import static dev.tinyrt.sync.OneshotCell.CLOSED;
import static dev.tinyrt.sync.OneshotCell.RX_DONE;
import static dev.tinyrt.sync.OneshotCell.RX_WAITING;
import static dev.tinyrt.sync.OneshotCell.VALUE_SENT;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
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
 * back, so the channel holds no waker for it, and lets go of a value sent to it.
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
    Receiver<T> receiver = new Receiver<>();
    return new Channel<>(new Sender<>(receiver), receiver);
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

    /** The state shared with the receiver. */
    private final OneshotCell<T> cell;

    Sender(OneshotCell<T> cell) {
      this.cell = cell;
      // Closes the channel if this sender becomes unreachable before it sends or closes.
      cell.watch(this);
    }

    /**
     * Sends the value and wakes the receiver if it waits. Thread-safe; never blocks.
     *
     * @param value the value, may be {@code null}
     * @throws IllegalStateException if this sender already sent or was closed
     */
    public void send(T value) {
      if (cell.claim(0) == -1) {
        throw new IllegalStateException(
            (cell.state & CLOSED) != 0
                ? "Oneshot.Sender.send after close(): the channel is closed and carries no value"
                : "Oneshot.Sender.send called twice: a oneshot channel carries exactly one value");
      }
      // The claim makes this thread the only writer of the value slot.
      cell.value = value;
      // Ordering: the volatile read-modify-write publishes the value to the receiver, which reads
      // the state before the slot.
      int before = cell.getAndSet(VALUE_SENT);
      if ((before & RX_DONE) != 0) {
        // The receiver was abandoned before the value came and will never read the slot: do not
        // keep the value alive for nobody.
        cell.value = null;
      }
      // Sent: nothing to watch for any more (one store, no lock).
      cell.unwatch();
      cell.wakeReceiverIfWaiting(before);
      // This sender must count as reachable until its claim is done, or the collector could
      // report it abandoned in the middle of its own send.
      Reference.reachabilityFence(this);
    }

    /**
     * Closes the channel without a value: the receiver fails with {@link ChannelClosedException}.
     * Does nothing if the value was already sent or the sender already closed.
     */
    public void close() {
      int before = cell.claim(CLOSED);
      if (before != -1) {
        cell.unwatch();
        cell.wakeReceiverIfWaiting(before);
      }
      Reference.reachabilityFence(this);
    }

    @Override
    public String toString() {
      return "Oneshot.Sender[" + describe(cell.state) + "]";
    }
  }

  /**
   * The receiving end: a future of the value. It returns ready once, with the value; polling it
   * again throws.
   *
   * @param <T> the type of the value
   */
  public static final class Receiver<T> extends OneshotCell<T> implements Future<T>, Droppable {

    Receiver() {}

    @Override
    public Poll<T> poll(Context cx) {
      Objects.requireNonNull(cx, "cx");
      int s = state;
      while (true) {
        // If this receiver already finished, the value is gone: a misuse.
        if ((s & RX_DONE) != 0) {
          throw new IllegalStateException(
              "Oneshot.Receiver polled after it already completed: a oneshot channel delivers "
                  + "its value once; keep the value instead of polling again");
        }
        // If the value is there, take it.
        if ((s & VALUE_SENT) != 0) {
          T v = value;
          value = null;
          markReceiverDone(s);
          return Poll.ready(v);
        }
        // If the sender finished without a value, fail.
        if ((s & CLOSED) != 0) {
          markReceiverDone(s);
          throw new ChannelClosedException(
              (s & ABANDONED) != 0
                  ? "the oneshot Sender was garbage-collected without sending a value: every "
                      + "Sender must send(value) or close()"
                  : "the oneshot Sender was closed without sending a value");
        }
        Waker w = cx.waker();
        if ((s & RX_WAITING) != 0) {
          // If the same waker is registered, there is nothing to do.
          if (waker == w) {
            return Poll.pending();
          }
          // Take the registration back to change the waker; fails if the sender finished
          // meanwhile, and then the loop sees its outcome.
          int witness = compareAndExchange(s, s & ~RX_WAITING);
          if (witness != s) {
            s = witness;
            continue;
          }
          s &= ~RX_WAITING;
        }
        // Register. Ordering: the plain write of the waker is published by the CAS that sets
        // RX_WAITING; the sender reads the slot only after seeing that bit.
        waker = w;
        int witness = compareAndExchange(s, s | RX_WAITING);
        if (witness == s) {
          return Poll.pending();
        }
        // The state changed before we registered (the sender finished or claimed): the sender did
        // not see RX_WAITING, so the slot is still ours to clear. Look again.
        waker = null;
        s = witness;
      }
    }

    /**
     * Abandons the receive: takes back a registered waker and lets go of a value already sent.
     * Any later send keeps nothing for it.
     */
    @Override
    public void drop() {
      int s = state;
      while (true) {
        // If it already finished, it holds nothing.
        if ((s & RX_DONE) != 0) {
          return;
        }
        // If a waker is registered and the sender has not finished, take it back and finish in
        // one step; fails if the sender finished meanwhile, and then the loop sees its outcome.
        if ((s & RX_WAITING) != 0 && (s & (VALUE_SENT | CLOSED)) == 0) {
          int witness = compareAndExchange(s, (s & ~RX_WAITING) | RX_DONE);
          if (witness != s) {
            s = witness;
            continue;
          }
          // The sender never saw RX_WAITING with its outcome: the waker slot is ours to clear.
          waker = null;
          return;
        }
        // Not waiting, or the sender finished (and, if RX_WAITING is set, owns the waker slot,
        // which it clears once it woke it). Ordering: the read-modify-write orders this against
        // the sender's; whichever comes second sees the other's bit.
        int before = getAndSet(RX_DONE);
        if ((before & VALUE_SENT) != 0) {
          // The value is the receiver's now; nobody will take it.
          value = null;
        }
        return;
      }
    }

    /** @return whether the channel still holds a waker registered by this receiver (tests) */
    boolean holdsWaker() {
      return waker != null;
    }

    /** @return whether the channel still holds a value for this receiver (tests) */
    boolean holdsValue() {
      return value != null;
    }

    @Override
    public String toString() {
      return "Oneshot.Receiver[" + describe(state) + "]";
    }
  }

  /** Renders the state bits for {@code toString}. */
  private static String describe(int s) {
    if ((s & RX_DONE) != 0) {
      return "received";
    }
    if ((s & VALUE_SENT) != 0) {
      return "sent";
    }
    if ((s & ABANDONED) != 0) {
      return "abandoned";
    }
    if ((s & CLOSED) != 0) {
      return "closed";
    }
    return (s & RX_WAITING) != 0 ? "receiver waiting" : "empty";
  }
}
