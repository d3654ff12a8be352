// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.internal.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 *
 * <p>The hot path takes no lock and allocates nothing per message: while the channel holds at most
 * one value or one waiting receive and nothing else, both live in one atomically swapped slot (see
 * {@link State#slot}), so a send that finds a receive waiting hands the value over with two
 * compare-and-sets and a wake, a receive that finds a value takes it with one, and a receive that
 * finds nothing registers with one. Anything more (a second value, a waiting send, a second waiting
 * receive, a close) moves the channel onto its lock, where the queues above do the rest; it comes
 * back to the slot once they are empty again.
 *
 * <p>A message allocates nothing either: {@code recv()} and {@code send(v)} hand out again the
 * last future of theirs that a poll on the calling thread completed on that lock-free path (a
 * receive that never waited in the lock's queue, a send that never waited for room); otherwise
 * (none yet, or the last one completed on another thread) they return a new one. A future that
 * waited under the lock, failed or was dropped is never handed out again, and the channel keeps no
 * value or waker alive through the one it may hand out. Two consumers or producers never get the same future at once: only the thread that completed
 * it may claim it. The rule this asks of callers is the one every future has: <b>poll a future
 * until it is ready, then let it go</b>. A receive or send polled again after it completed throws
 * {@link IllegalStateException} naming the caller, until the next {@code recv()} (or {@code send})
 * on that thread hands it out again; from then on it is that next receive (or send), so a caller
 * that keeps a finished future and polls it again would take the next value in place of whoever
 * asked for it. A finished future must not be dropped either once it may have been handed out
 * again (every combinator of tinyrt drops only unfinished children): the drop would cancel that
 * next receive (or send), and whoever waits on it would wait until its task is aborted, never
 * told. A hand-written combinator that drops every child in a {@code finally} must skip the
 * children that returned ready.
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

  /** The ready poll of a send, shared: a send's value is {@code null}. */
  private static final Poll<Void> SENT = Poll.readyNull();

  /**
   * The slot's mark for "the lock is in charge": the queues under the lock hold the channel's
   * values and waiters, and every operation takes the lock. Never a value (it is private).
   */
  private static final Object LOCKED = new Object();

  private static final VarHandle FAST_SLOT;

  private static final VarHandle FAST;

  private static final VarHandle WAKER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      FAST_SLOT = lookup.findVarHandle(State.class, "slot", Object.class);
      FAST = lookup.findVarHandle(Recv.class, "fast", byte.class);
      // The receive's waker slot is WaitNode's own: read and written with volatile semantics while
      // the receive waits in the slot, plainly under the lock once it waits in the queue.
      WAKER = lookup.findVarHandle(WaitNode.class, "waker", Waker.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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

  /**
   * The state both ends share. {@link #slot} is changed by compare-and-set only; every other field
   * is guarded by {@code this}, and used only while the slot holds {@link #LOCKED}.
   */
  private static final class State<T> {

    /**
     * The lock-free fast path, one of:
     *
     * <ul>
     *   <li>{@code null}: open, nothing queued, nobody waiting (the queues below are empty);
     *   <li>a {@link Recv} in state {@link Recv#PARKED}: the one waiting receive, which nothing but
     *       a compare-and-set of this slot may take out (a send handing it a value, the lock
     *       taking it into {@link #receivers}, the receive itself changing its waker or dropped);
     *   <li>{@link #LOCKED}: the queues below are in charge; every operation takes the lock, and
     *       only a holder of the lock writes the slot (see {@link #leaveLocked});
     *   <li>any other object: the one value sent and not yet received (the queues are empty).
     * </ul>
     */
    volatile Object slot;

    /**
     * The receive {@link Receiver#recv} hands out again (see {@link Recv#reuseBy}): the last one
     * finished on the lock-free path, which holds no value and no waker any more. A hint any
     * consumer may overwrite, read and written plainly: whoever reads it claims the receive only
     * if its own thread completed it. A receive that waited in the queue or was dropped is never
     * put here, so the channel keeps nothing alive through it.
     */
    Recv<T> spareRecv;

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

    /**
     * Puts the lock in charge: moves what the slot holds (a value, a waiting receive) into the
     * queues and marks the slot {@link #LOCKED}. Lock held; call {@link #leaveLocked} before
     * releasing it.
     */
    @SuppressWarnings("unchecked")
    void enterLocked() {
      Object s = slot;
      while (s != LOCKED) {
        // Ordering: the CAS takes what the slot held away from the fast paths, and acquires what
        // its writer published with it (a value, or a receive's fields).
        Object witness = FAST_SLOT.compareAndExchange(this, s, LOCKED);
        if (witness != s) {
          s = witness;
          continue;
        }
        if (s instanceof Recv<?> r) {
          // A waiting receive: queue it, unless it was dropped in the meantime (it holds nothing
          // then). The CAS decides against the receive's own drop.
          if (FAST.compareAndSet(r, Recv.PARKED, Recv.QUEUED)) {
            // Ordering: read after our CAS of its state; a receive that changes its waker writes
            // it, then reads its state: either it sees QUEUED and re-parks under the lock, or we
            // read its new waker here.
            receivers.park(r, (Waker) WAKER.getVolatile(r));
          }
        } else if (s != null) {
          queue.addLast((T) s);
        }
        return;
      }
    }

    /**
     * Gives the channel back to the fast path if the queues hold nothing but, at most, one value.
     * Lock held, after {@link #enterLocked}.
     */
    void leaveLocked() {
      if (senderClosed || receiverClosed || reserved != 0 || !senders.isEmpty()
          || !receivers.isEmpty() || queue.size() > 1) {
        return; // a waiter, a kept slot, a second value or a close: the lock stays in charge
      }
      T only = queue.peekFirst();
      if (only != null && only instanceof Recv<?>) {
        return; // a value that is itself a receive cannot sit in the slot
      }
      queue.clear();
      // Ordering: a volatile write; while the slot holds LOCKED no fast path writes it, and the
      // write publishes the value to the receive that takes it.
      FAST_SLOT.setVolatile(this, only);
    }

    /** Closes the sending side; returns the receives to wake. */
    synchronized WakeList closeSending() {
      WakeList wake = new WakeList();
      enterLocked();
      if (!senderClosed) {
        senderClosed = true;
        receivers.grantAll(CLOSED, wake);
      }
      return wake;
    }

    /**
     * Tries to deliver {@code value} without the lock: into the empty slot, or straight to the
     * receive waiting there.
     *
     * @return whether it was delivered (false: the lock is in charge, or the slot holds a value)
     */
    boolean trySendFast(T value) {
      Object s = slot;
      while (true) {
        if (s == null) {
          // If nothing is queued and nobody waits, the value takes the slot: a capacity of at
          // least one has room for it. A value that is a receive cannot be told from one there.
          if (value instanceof Recv<?>) {
            return false;
          }
          // Ordering: the CAS publishes the value to the receive that takes it.
          Object witness = FAST_SLOT.compareAndExchange(this, null, value);
          if (witness == null) {
            return true;
          }
          s = witness;
        } else if (s instanceof Recv<?> r) {
          // If a receive waits, take it out of the slot and hand it the value.
          Object witness = FAST_SLOT.compareAndExchange(this, s, null);
          if (witness == s) {
            handOver(r, value);
            return true;
          }
          s = witness;
        } else {
          return false; // the lock is in charge, or a value is queued already
        }
      }
    }

    /**
     * Hands {@code value} to {@code r}, which this thread took out of the slot, and wakes it; if
     * it was dropped meanwhile, delivers the value to the next receive or first in the queue.
     */
    @SuppressWarnings("unchecked")
    void handOver(Recv<?> r, T value) {
      Recv<T> recv = (Recv<T>) r;
      recv.value = value;
      // Ordering: the CAS publishes the value to the receive, which reads its state first; it
      // decides against the receive's drop, which also needs PARKED.
      if (FAST.compareAndSet(recv, Recv.PARKED, Recv.HANDED)) {
        // Ordering: read after the CAS; a receive that changes its waker writes it, then reads
        // its state: either it sees HANDED, or we wake its new waker.
        Waker w = (Waker) WAKER.getVolatile(recv);
        WakeList.wake(w);
        return;
      }
      // Dropped after it left the slot: the value is nobody's yet.
      recv.value = null;
      redeliver(value);
    }

    /**
     * Delivers a value whose receive was abandoned: to the next receive, or first in the queue; once
     * the receiver closed, drops it (a close drops every queued value).
     */
    void redeliver(T value) {
      Waker w;
      synchronized (this) {
        enterLocked();
        w = deliver(value, /* atFront = */ true);
        leaveLocked();
      }
      WakeList.wake(w);
    }

    /** Counts the receives waiting, in the slot or the queue (for leak tests). */
    synchronized int waitingReceives() {
      return receivers.size() + (slot instanceof Recv<?> ? 1 : 0);
    }

    /**
     * Delivers a value: hands it to the first waiting receive, or queues it; drops it if the
     * receiver closed (only a value given back by an abandoned receive gets here then: sends check
     * first). Lock held.
     *
     * @param atFront queue it before the others (a value given back by an abandoned receive)
     * @return the waker of the receive it was handed to, or null
     */
    @SuppressWarnings("unchecked")
    Waker deliver(T value, boolean atFront) {
      if (receiverClosed) {
        return null; // Receiver.close() dropped the queued values; this one goes with them
      }
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

    /**
     * The send this sender hands out again (see {@link Send#reuseBy}): the last one finished on
     * the fast path, which holds no value any more. A hint any producer may overwrite, read and
     * written plainly: whoever reads it claims the send only if its own thread completed it. A
     * send that waited, failed or was dropped is never put here, so the sender keeps no value and
     * no waker alive.
     */
    private Send<T> spare;

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
      Objects.requireNonNull(value, "an mpsc value cannot be null");
      Send<T> s = spare;
      if (s != null && s.reuseBy(Thread.currentThread().getId(), value)) {
        return s;
      }
      return new Send<>(this, value);
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
      if (state.trySendFast(value)) {
        return true;
      }
      Waker w;
      synchronized (state) {
        state.enterLocked();
        try {
          state.checkOpen();
          if (!state.hasRoomForNewcomer()) {
            return false;
          }
          w = state.deliver(value, /* atFront = */ false);
        } finally {
          state.leaveLocked();
        }
      }
      WakeList.wake(w);
      return true;
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

  /** A send, its own node in the senders' wait queue once it waits. */
  private static final class Send<T> extends WaitNode implements Future<Void>, Droppable {

    /** Never polled yet (new, or handed out again by {@link #reuseBy}). */
    private static final byte FRESH = 0;

    /** Polled on the locked path: its node state says the rest, under the lock. */
    private static final byte LOCKED_PATH = 1;

    /** Finished on the fast path. */
    private static final byte SENT_FAST = 2;

    /** Keeps the sender reachable while the send is in flight, so it is not seen as abandoned. */
    private final Sender<T> sender;

    /** The channel. */
    private final State<T> state;

    /** The value to deliver; null once delivered on the fast path (the send keeps nothing). */
    private T value;

    /** {@link #FRESH}, {@link #LOCKED_PATH} or {@link #SENT_FAST}; only this send's poller writes it. */
    private byte path;

    /**
     * The id of the thread whose poll finished this send on the fast path, until {@link #reuseBy}
     * hands it out again; 0 otherwise. Plain access (see {@link Recv#completedBy}).
     */
    private long completedBy;

    Send(Sender<T> sender, T value) {
      this.sender = sender;
      this.state = sender.state;
      this.value = value;
    }

    /**
     * Hands this send out again for {@code next}, if the thread of id {@code thread} finished it on
     * the fast path: it is then in no queue, holds nothing, and no other thread will touch it.
     */
    boolean reuseBy(long thread, T next) {
      // Ordering: plain, as for a receive (see Recv.completedBy).
      if (completedBy != thread) {
        return false;
      }
      completedBy = 0;
      value = next;
      path = FRESH;
      return true;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      if (path == FRESH && state.trySendFast(value)) {
        // Never waited: nobody else knows this send, so it delivered without the lock.
        value = null;
        path = SENT_FAST;
        completedBy = Thread.currentThread().getId();
        if (sender.spare != this) {
          sender.spare = this; // steady state: already it, no store and no GC barrier
        }
        return SENT;
      }
      return pollOther(cx);
    }

    /** The rest of {@link #poll}: a send that waits or waited, or one polled after it completed. */
    private Poll<Void> pollOther(Context cx) {
      if (path == SENT_FAST) {
        throw pollAfterCompletion();
      }
      path = LOCKED_PATH;
      Waker receiver;
      Waker nextSender = null;
      synchronized (state) {
        state.enterLocked();
        try {
          if (isDone()) {
            throw pollAfterCompletion();
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
        } finally {
          state.leaveLocked();
        }
      }
      WakeList.wake(receiver);
      WakeList.wake(nextSender);
      return SENT;
    }

    /** The error of a send polled after it completed. */
    private static IllegalStateException pollAfterCompletion() {
      return new IllegalStateException(CallSite.callerOutside(Send.class, Sender.class)
          + " polled an mpsc send that had already completed: its value was delivered (or it"
          + " failed) on an earlier poll. A send delivers one value; call sender.send(value) for"
          + " each value, and drop the future once it is ready (send() may hand the same object"
          + " out again for the next value)");
    }

    @Override
    public void drop() {
      if (path != LOCKED_PATH) {
        return; // never waited: it is in no queue and was granted nothing
      }
      Waker w = null;
      synchronized (state) {
        state.enterLocked();
        if (state.senders.abandon(this) == SLOT) {
          // A slot was kept for it: pass it on.
          state.reserved--;
          w = state.wakeNextSender();
        }
        state.leaveLocked();
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
     * <p>The future may be one an earlier {@code recv()} returned, once that one completed on this
     * thread (see the rule in {@link Mpsc}): poll a receive until it is ready, then let it go.
     *
     * @return a future of the next value
     */
    public Future<T> recv() {
      Recv<T> r = state.spareRecv;
      if (r != null && r.reuseBy(Thread.currentThread().getId())) {
        return r;
      }
      return new Recv<>(state);
    }

    /** @return the next value if one is queued, else null */
    @SuppressWarnings("unchecked")
    public T tryRecv() {
      Object s = state.slot;
      while (s != LOCKED) {
        // If nothing is queued (the slot is empty, or a receive waits there), there is nothing.
        if (s == null || s instanceof Recv<?>) {
          return null;
        }
        // The one queued value: take it. Ordering: the CAS acquires what its sender published.
        Object witness = FAST_SLOT.compareAndExchange(state, s, null);
        if (witness == s) {
          return (T) s;
        }
        s = witness;
      }
      Waker w = null;
      T value;
      synchronized (state) {
        state.enterLocked();
        value = state.queue.poll();
        if (value != null) {
          w = state.wakeNextSender();
        }
        state.leaveLocked();
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
        state.enterLocked();
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
      return state.waitingReceives();
    }
  }

  /**
   * A receive: it waits in the channel's slot while it is the only one waiting and nothing else is
   * queued, else as its own node in the receivers' wait queue.
   *
   * <pre>
   *            park in the empty slot            a send takes it out of the slot
   *   FRESH ─────────────────────────▶ PARKED ───────────────────────────────▶ HANDED ──poll──▶ DONE
   *     │ the lock is in charge           │ the lock takes it into the queue                      ▲
   *     ▼                                 ▼                                                       │
   *   QUEUED (a wait queue node, under the lock) ───────────── granted, or ready ───────────────┘
   *
   *   PARKED: a new waker is swapped in place. Dropped, it takes itself back out of the slot
   *   (DONE); out of the slot already (a send or the lock took it), drop marks it DROPPED and
   *   whoever took it keeps nothing for it. Any state: a ready poll or a drop ends in DONE.
   * </pre>
   */
  private static final class Recv<T> extends WaitNode implements Future<T>, Droppable {

    /** Never polled, or polled only on the lock-free path without waiting. Only its poller sees it. */
    static final byte FRESH = 0;

    /**
     * Waiting in the channel's slot (or just taken out of it by a send or by the lock, which then
     * move it on with a CAS from this state). Its waker is read and written with volatile access.
     */
    static final byte PARKED = 1;

    /** A send took it out of the slot and gave it its value, in {@link #value}. */
    static final byte HANDED = 2;

    /** On the locked path: its wait queue node state says the rest, under the lock. */
    static final byte QUEUED = 3;

    /** Dropped after it left the slot and before whoever took it moved it on: it gets nothing. */
    static final byte DROPPED = 4;

    /** Returned its value or null, or was dropped. */
    static final byte DONE = 5;

    /** The channel. */
    private final State<T> state;

    /** The value a send handed to this receive; guarded by the fast-path state or the lock. */
    T value;

    /** One of the states above; changed by CAS while {@link #PARKED}. */
    volatile byte fast;

    /**
     * The id of the thread whose poll finished this receive on the lock-free path (it never joined
     * the wait queue), until {@link #reuseBy} hands it out again; 0 otherwise (thread ids are
     * positive; the JDK may reuse a terminated thread's id, and a thread that ended holds no
     * future, so the new thread claiming it takes nobody's). A primitive, so writing it costs no garbage collector barrier.
     *
     * <p>Plain access is enough for "only the thread that completed it claims it": a thread reads
     * back its own id only if its own last write here was its id (a thread never sees a write of
     * its own that it overwrote since: program order is happens-before), and nobody writes another
     * thread's id. The completing poll saw the state a send or its claim published (volatile),
     * so it also never sees an older write than the claim that handed the receive out.
     * (Opaque VarHandle access would say the same, but cost the JIT's inlining budget: the
     * guards of a VarHandle call not inlined showed up as 17% of a ping-pong profile.)
     */
    private long completedBy;

    Recv(State<T> state) {
      this.state = state;
    }

    /**
     * Hands this receive out again if the thread of id {@code thread} finished it on the lock-free
     * path: it is then {@link #DONE}, in no queue and not in the slot, holds no value and no waker,
     * and no other thread will touch it (a send that took it out of the slot is done with it once it
     * saw {@link #HANDED}, but for a wake of the waker it read, which may be spurious).
     */
    boolean reuseBy(long thread) {
      // Ordering: plain; see completedBy.
      if (completedBy != thread) {
        return false;
      }
      completedBy = 0;
      // Ordering: only this thread reads the state of a FRESH receive.
      FAST.setOpaque(this, FRESH);
      return true;
    }

    /** Marks a receive finished on the lock-free path, and reusable by this thread. */
    private void completeFast() {
      // Ordering: nobody else reads the state once it is HANDED, or ever saw it FRESH.
      FAST.setOpaque(this, DONE);
      completedBy = Thread.currentThread().getId();
      if (state.spareRecv != this) {
        state.spareRecv = this; // steady state: already it, no store and no GC barrier
      }
    }

    @Override
    public Poll<T> poll(Context cx) {
      // Small enough to inline into the awaiting frame, so that the JIT may drop the ready poll.
      if (fast == HANDED) {
        // A send handed its value over; it never took a slot: nobody to tell there is room.
        T v = value;
        value = null;
        WAKER.setOpaque(this, (Waker) null);
        completeFast();
        return Poll.ready(v);
      }
      return pollOther(cx);
    }

    /** The rest of {@link #poll}. */
    @SuppressWarnings("unchecked")
    private Poll<T> pollOther(Context cx) {
      Waker waker = cx.waker();
      while (true) {
        byte f = fast;
        switch (f) {
          case HANDED -> {
            // A send handed its value over; it never took a slot: nobody to tell there is room.
            T v = value;
            value = null;
            WAKER.setOpaque(this, (Waker) null);
            completeFast();
            return Poll.ready(v);
          }
          case PARKED -> {
            // Waiting in the slot, or just taken out of it by a send handing a value over (then
            // HANDED) or by the lock queueing it (then QUEUED). A new waker is swapped in place:
            // stepping out of the slot to change it would let a send pass a waiting receive.
            // Ordering: write the waker, then read the slot and the state; whoever takes the
            // receive out CASes the slot and the state, then reads the waker: one of us sees the
            // other's write.
            if (WAKER.getOpaque(this) != waker) {
              WAKER.setVolatile(this, waker);
            }
            if (state.slot == this || fast == PARKED) {
              return Poll.pending();
            }
          }
          case FRESH -> {
            Object s = state.slot;
            if (s == null) {
              // Nothing queued, nobody waiting: wait in the slot. Ordering: the CAS publishes the
              // waker and the state to whoever takes the receive out of the slot.
              WAKER.set(this, waker);
              FAST.set(this, PARKED);
              if (FAST_SLOT.compareAndSet(state, null, this)) {
                return Poll.pending();
              }
              WAKER.set(this, (Waker) null);
              FAST.set(this, FRESH);
              continue;
            }
            if (s != LOCKED && !(s instanceof Recv<?>)) {
              // The one queued value: take it. Ordering: the CAS acquires what its sender
              // published with it.
              if (FAST_SLOT.compareAndSet(state, s, null)) {
                completeFast(); // never seen by anyone else
                return Poll.ready((T) s);
              }
              continue;
            }
            // The lock is in charge, or another receive waits in the slot: queue behind it.
            return pollLocked(waker);
          }
          case QUEUED -> {
            return pollLocked(waker);
          }
          default -> throw pollAfterCompletion();
        }
      }
    }

    /** The poll under the lock, for a receive that is fresh or queued. */
    private Poll<T> pollLocked(Waker waker) {
      T v;
      Waker w;
      synchronized (state) {
        state.enterLocked();
        try {
          if (isDone()) {
            throw pollAfterCompletion();
          }
          if (isGranted() && consumeGrant() == VALUE) {
            // A handed value never took a slot: nobody to tell there is room.
            v = value;
            value = null;
            fast = DONE;
            return Poll.ready(v);
          }
          // Woken by a close, or not woken: take what is queued, if anything (nothing once the
          // receiver closed: its close dropped the queue).
          v = state.receiverClosed ? null : state.queue.poll();
          if (v == null) {
            if (state.senderClosed || state.receiverClosed) {
              finish();
              fast = DONE;
              return Poll.readyNull();
            }
            fast = QUEUED;
            state.receivers.park(this, waker);
            return Poll.pending();
          }
          finish();
          fast = DONE;
          w = state.wakeNextSender();
        } finally {
          state.leaveLocked();
        }
      }
      WakeList.wake(w);
      return Poll.ready(v);
    }

    /** The error of a receive polled after it completed. */
    private static IllegalStateException pollAfterCompletion() {
      return new IllegalStateException(CallSite.callerOutside(Recv.class, Receiver.class)
          + " polled an mpsc receive that had already completed: it returned its value (or null"
          + " for a closed channel) or was dropped, on an earlier poll. A receive gives one value;"
          + " call receiver.recv() for each value, and drop the future once it is ready (recv()"
          + " may hand the same object out again for the next value)");
    }

    @Override
    public void drop() {
      while (true) {
        byte f = fast;
        switch (f) {
          case FRESH -> {
            fast = DONE; // never waited: in no queue, granted nothing
            return;
          }
          case HANDED -> {
            // A value was handed to it: it goes to the next receive, or first in the queue.
            T v = value;
            value = null;
            WAKER.setOpaque(this, (Waker) null);
            fast = DONE;
            state.redeliver(v);
            return;
          }
          case PARKED -> {
            if (state.slot == this) {
              // Waiting in the slot: leave it, holding nothing.
              if (FAST_SLOT.compareAndSet(state, this, null)) {
                WAKER.setOpaque(this, (Waker) null);
                fast = DONE;
                return;
              }
              continue;
            }
            // A send or the lock took it out of the slot and has not moved it on yet: the CAS
            // decides; whoever loses it keeps nothing for this receive.
            if (FAST.compareAndSet(this, PARKED, DROPPED)) {
              WAKER.setOpaque(this, (Waker) null);
              return;
            }
          }
          case QUEUED -> {
            dropLocked();
            return;
          }
          default -> {
            return; // finished already
          }
        }
      }
    }

    /** The drop of a receive that waits in the queue (or was granted from it). */
    private void dropLocked() {
      Waker w = null;
      synchronized (state) {
        state.enterLocked();
        if (state.receivers.abandon(this) == VALUE) {
          // A value was handed to it: it goes to the next receive, or first in the queue.
          T v = value;
          value = null;
          w = state.deliver(v, /* atFront = */ true);
        }
        fast = DONE;
        state.leaveLocked();
      }
      WakeList.wake(w);
    }
  }
}
