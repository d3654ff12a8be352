// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Future;
import java.lang.ref.Cleaner;
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
 * {@code null}; once the receiver is gone ({@code Receiver.close()}, or garbage collected: its
 * consumer tasks were cancelled or failed) a send throws {@link ChannelClosedException}, a send
 * waiting for room included. Values may not be null.
 *
 * <p>Cancel safety: a {@code recv} abandoned ({@link dev.tinyrt.Droppable#drop()}) before it returned loses
 * nothing: a value handed to it goes to the next waiting receive, or back to the front of the
 * queue. A {@code send} abandoned while waiting sends nothing and gives up its place, and a slot
 * kept for it goes to the next waiting send. Both sides wait on the package's one {@code
 * WaitQueue}.
 *
 * <p>The hot path takes no lock and allocates nothing per message: while the channel holds at most
 * one value or one waiting receive and nothing else, both live in one atomically swapped slot (see
 * {@code MpscState.slot}), so a send that finds a receive waiting hands the value over with two
 * compare-and-sets and a wake, a receive that finds a value takes it with one, and a receive that
 * finds nothing registers with one. Anything more (a second value, a waiting send, a second waiting
 * receive, a close) moves the channel onto its lock, where the queues above do the rest; it comes
 * back to the slot once they are empty again.
 *
 * <p>A message allocates nothing either: {@code recv()} and {@code send(v)} hand out again the
 * last future of theirs that a poll on the calling thread completed without any other thread ever
 * seeing it: on that lock-free path, or under the lock on its first poll (a receive that took a
 * queued value, a send that found room: with several producers most messages go that way); a
 * receive that never waited in the slot or the lock's queue, a send that never waited for room.
 * Otherwise (none yet, or the last one completed on another thread) they return a new one. A
 * future that waited, failed or was dropped is never handed out again, and the channel keeps
 * no value or waker alive through the one it may hand out. Two consumers or producers never get
 * the same future at once: only the thread that completed it may claim it. The rule this asks of
 * callers is the one every future has: <b>poll a future until it is ready, then let it go</b>. A
 * receive or send polled again after it completed throws {@link IllegalStateException} naming
 * the caller, until the next {@code recv()} (or {@code send}) on that thread hands it out again;
 * from then on it is that next receive (or send), so a caller that keeps a finished future and
 * polls it again would take the next value in place of whoever asked for it. A finished future
 * must not be dropped either once it may have been handed out again (every combinator of tinyrt
 * drops only unfinished children): the drop would cancel that next receive (or send), and
 * whoever waits on it would wait until its task is aborted, never told. A hand-written
 * combinator that drops every child in a {@code finally} must skip the children that returned
 * ready.
 *
 * <p>The parts, each in its own package-private file: {@code MpscState} (the shared state: the
 * lock-free slot, the queues under the lock, the hand-over between them), {@code MpscRecv} (a
 * receive) and {@code MpscSend} (a send). This class holds only the two ends users see.
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
    return open(new MpscState<>(capacity));
  }

  /**
   * Creates a channel whose sends never wait.
   *
   * @param <T> the value type
   * @return its two ends
   */
  public static <T> Channel<T> unbounded() {
    return open(new MpscState<>(Integer.MAX_VALUE));
  }

  private static <T> Channel<T> open(MpscState<T> state) {
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

  /** Closes the channel when its sender is garbage-collected without being closed. */
  private record Abandon(MpscState<?> state) implements Runnable {
    @Override
    public void run() {
      state.closeSending().wakeAll();
    }
  }

  /**
   * Closes the receiving side when the receiver is garbage-collected without being closed (its
   * consumer task was cancelled or failed): sends waiting for room fail instead of waiting for
   * ever, as they would after {@link Receiver#close()}.
   */
  private record AbandonReceiving(MpscState<?> state) implements Runnable {
    @Override
    public void run() {
      state.closeReceiving();
    }
  }

  /**
   * The sending end, shared by any number of producers.
   *
   * @param <T> the value type
   */
  public static final class Sender<T> {

    /** The channel. */
    private final MpscState<T> state;

    /** Closes the channel once this sender is unreachable; {@link #close()} runs it early. */
    private final Cleaner.Cleanable abandonment;

    /**
     * The send this sender hands out again (see {@link MpscSend#reuseBy}): the last one
     * finished without waiting (on the fast path or under the lock), which holds no value now.
     * A hint any producer may overwrite, read and written plainly: whoever reads it claims the
     * send only if its own thread completed it. A send that waited, failed or was dropped is
     * never put here, and one handed out from here that then waits drops its value once
     * delivered, failed or dropped, so the sender keeps no value and no waker alive.
     */
    MpscSend<T> spare;

    Sender(MpscState<T> state) {
      this.state = state;
      this.abandonment = Abandonment.CLEANER.register(this, new Abandon(state));
    }

    /**
     * Returns a future that delivers {@code value}, waiting for room in a full bounded channel.
     *
     * <p>Its poll throws {@link ChannelClosedException} once the receiver is gone (closed, or
     * garbage-collected), and {@link IllegalStateException} once this sender was closed (by any
     * producer: the sender is shared, and {@link #close()} ends sending for all of them; close it
     * once every producer is done).
     *
     * @param value not null
     * @return a future, ready once the value is queued or handed to a receive
     */
    public Future<Void> send(T value) {
      Objects.requireNonNull(value, "an mpsc value cannot be null");
      MpscSend<T> s = spare;
      if (s != null && s.reuseBy(Thread.currentThread().getId(), value)) {
        return s;
      }
      return new MpscSend<>(this, state, value);
    }

    /**
     * Delivers {@code value} if there is room now.
     *
     * @param value not null
     * @return whether it was delivered (false: the channel is full)
     * @throws ChannelClosedException if the receiver is gone (closed, or garbage-collected)
     * @throws IllegalStateException if this sender was closed
     */
    public boolean trySend(T value) {
      Objects.requireNonNull(value, "an mpsc value cannot be null");
      return state.trySend(value);
    }

    /** Closes the sending side for every producer: receivers drain the queue, then get null. */
    public void close() {
      // Closed before returning, even while another close runs the cleaner's action: the Cleaner
      // runs it once, and a second clean() returns before the first finished.
      state.closeSending().wakeAll();
      abandonment.clean();
    }

    /** @return whether the receiver closed (sends would fail) */
    public boolean isClosed() {
      return state.isReceiverClosed();
    }

    /** @return how many sends wait for room (for leak tests) */
    int waitingSends() {
      return state.waitingSends();
    }

    /** @return how many slots are promised to woken sends (for leak tests) */
    int reservedSlots() {
      return state.reservedSlots();
    }
  }

  /**
   * The receiving end; any number of consumer tasks may share it.
   *
   * @param <T> the value type
   */
  public static final class Receiver<T> {

    /** The channel. */
    private final MpscState<T> state;

    /**
     * The receive {@link #recv} hands out again (see {@link MpscRecv#reuseBy}): the last one
     * finished without waiting (on the lock-free path, or under the lock on its first poll),
     * which holds no value and no waker any more. A hint any consumer may overwrite, read and
     * written plainly: whoever reads it claims the receive only if its own thread completed it. A
     * receive that waited in the queue or was dropped is never put here, so the receiver keeps
     * nothing alive through it. Here, not in the channel's state: a receive keeps its receiver
     * reachable, and the state (which every sender reaches) must not keep the receiver alive
     * through its spare, or the receiver's abandonment would never be seen.
     */
    MpscRecv<T> spare;

    /**
     * Closes the receiving side once this receiver is unreachable; {@link #close()} runs it early.
     * A receive in flight keeps its receiver reachable (an async method may keep only the
     * receive across its await).
     */
    private final Cleaner.Cleanable abandonment;

    Receiver(MpscState<T> state) {
      this.state = state;
      this.abandonment = Abandonment.CLEANER.register(this, new AbandonReceiving(state));
    }

    /**
     * Returns a future of the next value, or of {@code null} once the channel is closed and every
     * queued value was received. Cancel safe: abandoned, it loses no value.
     *
     * <p>The future may be one an earlier {@code recv()} returned, once that one completed on this
     * thread (see the rule in {@link Mpsc}): poll a receive until it is ready, then let it go.
     *
     * @return a future of the next value
     */
    public Future<T> recv() {
      MpscRecv<T> r = spare;
      if (r != null && r.reuseBy(Thread.currentThread().getId())) {
        return r;
      }
      return new MpscRecv<>(this, state);
    }

    /** @return the next value if one is queued, else null */
    public T tryRecv() {
      return state.tryRecv();
    }

    /**
     * Closes the receiving side for every consumer: queued values are dropped (a permit or guard
     * among them given back), waiting receives give null, and every send fails from now on.
     */
    public void close() {
      state.closeReceiving();
      abandonment.clean();
    }

    /** @return whether the sending side was closed, or its sender garbage-collected */
    public boolean isSenderClosed() {
      return state.isSenderClosed();
    }

    /** @return how many receives wait for a value (for leak tests) */
    int waitingReceives() {
      return state.waitingReceives();
    }
  }
}
