// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Context;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the registration protocol of a real {@link Registration} and a real read
 * ({@link IoOp}): a task's poll that registers its interest, the selecting thread applying queued
 * interest and dispatching readiness, the peer making the socket readable, a drop (cancellation)
 * and a close, in every interleaving. The selector is a stand-in (a {@link Reactor} over a key that
 * is level-triggered like epoll): Lincheck cannot run a native one.
 *
 * <p>After each of its turns, the selecting thread checks two things no sequential run breaks: a
 * read left pending while its data is there (or its socket closed) was woken since its last poll
 * (no lost wake-up); and once no read waits, the key asks for nothing (a dropped read leaves no
 * interest behind, so no busy loop on a readable socket nobody reads).
 */
public class RegistrationModelCheckTest {

  /** The provider the stand-in channels name (only for their constructor). */
  private static final SelectorProvider PROVIDER = SelectorProvider.provider();

  /** A channel with nothing behind it: the registration only configures and closes it. */
  static final class NoChannel extends AbstractSelectableChannel {
    NoChannel() {
      super(PROVIDER);
    }

    @Override
    protected void implCloseSelectableChannel() {}

    @Override
    protected void implConfigureBlocking(boolean block) {}

    @Override
    public int validOps() {
      return SelectionKey.OP_READ | SelectionKey.OP_WRITE;
    }
  }

  /** The stand-in key: what the selector holds for the channel. */
  static final class ModelKey extends SelectionKey {
    /** The channel. */
    private final SelectableChannel channel;
    /** The interest set the selector selects on. */
    volatile int interestOps;
    /** What the last selection found ready. */
    volatile int readyOps;
    /** Cleared by cancel (a closed channel's key). */
    volatile boolean valid = true;

    ModelKey(SelectableChannel channel, int ops) {
      this.channel = channel;
      this.interestOps = ops;
    }

    @Override
    public SelectableChannel channel() {
      return channel;
    }

    @Override
    public Selector selector() {
      throw new UnsupportedOperationException("no selector in the model");
    }

    @Override
    public boolean isValid() {
      return valid;
    }

    @Override
    public void cancel() {
      valid = false;
    }

    @Override
    public int interestOps() {
      if (!valid) {
        throw new CancelledKeyException();
      }
      return interestOps;
    }

    @Override
    public SelectionKey interestOps(int ops) {
      if (!valid) {
        throw new CancelledKeyException();
      }
      interestOps = ops;
      return this;
    }

    @Override
    public int readyOps() {
      if (!valid) {
        throw new CancelledKeyException();
      }
      return readyOps;
    }
  }

  /** The stand-in driver: a change queue and at most one key. */
  final class ModelReactor implements Reactor {
    /** Changes for the selecting thread. */
    final ConcurrentLinkedQueue<Runnable> changes = new ConcurrentLinkedQueue<>();
    /** The key, once registered. */
    volatile ModelKey key;

    @Override
    public void submit(Runnable change) {
      changes.add(change);
    }

    @Override
    public boolean isClosed() {
      return false;
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, Registration registration) {
      ModelKey k = new ModelKey(channel, ops);
      k.attach(registration);
      key = k;
      return k;
    }

    /** One turn of the selecting thread: apply the changes, select (level-triggered), dispatch. */
    void turn() {
      Runnable change;
      while ((change = changes.poll()) != null) {
        change.run();
      }
      ModelKey k = key;
      if (k != null && k.valid && readable.get() && (k.interestOps & SelectionKey.OP_READ) != 0) {
        k.readyOps = SelectionKey.OP_READ;
        registration.ready(k);
      }
    }
  }

  private final ModelReactor reactor = new ModelReactor();

  private final Registration registration;

  /** Whether the peer's bytes are there to read (the socket is readable). */
  private final AtomicBoolean readable = new AtomicBoolean();

  /** Set once the socket was closed. */
  private volatile boolean closed;

  /** Set when a close began (it wakes the waiter before {@link #closed} is set). */
  private volatile boolean closeStarted;

  /** The waiting read, or null. Reader thread only. */
  private IoOp<String> pending;

  /** The wakes of the reader's waker. */
  private final AtomicInteger wakes = new AtomicInteger();

  /** {@link #wakes} when the last poll began. */
  private volatile int wakesAtLastPoll;

  /** Whether the last poll left the read pending. */
  private volatile boolean lastPollPending;

  /** Counts the reader's finished operations, so a check can tell that one ran meanwhile. */
  private volatile int readerOps;

  /** Set while the reader is inside an operation. */
  private volatile boolean readerBusy;

  private final Context cx = Context.from(wakes::incrementAndGet);

  /** A fresh socket for each scenario Lincheck runs. */
  public RegistrationModelCheckTest() throws IOException {
    registration = new Registration(reactor, new NoChannel(), () -> "the model's socket");
  }

  /** A read: takes the bytes if they are there, else waits. */
  private IoOp<String> newRead() {
    return new IoOp<>(registration, SelectionKey.OP_READ) {
      @Override
      Object attempt() throws IOException {
        if (!registration.channel().isOpen()) {
          throw new ClosedChannelException(); // as a real channel does after close()
        }
        return readable.compareAndSet(true, false) ? "bytes" : WOULD_BLOCK;
      }

      @Override
      String what() {
        return "the model's read";
      }
    };
  }

  /** The task polls its read (a new one if none waits). */
  @Operation(nonParallelGroup = "task")
  public String read() {
    readerBusy = true;
    try {
      if (pending == null) {
        pending = newRead();
      }
      wakesAtLastPoll = wakes.get();
      Poll<String> p = pending.poll(cx);
      if (p.isPending()) {
        lastPollPending = true;
        return "pending";
      }
      pending = null;
      lastPollPending = false;
      return p.get();
    } catch (Exception e) { // a SocketException once closed, thrown as it is
      pending = null;
      lastPollPending = false;
      return "closed";
    } finally {
      readerOps++;
      readerBusy = false;
    }
  }

  /** The task abandons its waiting read (a timeout, a lost select, an abort). */
  @Operation(nonParallelGroup = "task")
  public String drop() {
    readerBusy = true;
    try {
      if (pending == null) {
        return "none";
      }
      pending.drop();
      pending = null;
      lastPollPending = false;
      return "dropped";
    } finally {
      readerOps++;
      readerBusy = false;
    }
  }

  /**
   * The peer sends bytes: the socket becomes readable, unless it was closed. On the task's thread,
   * so the selecting thread is what each step races with (readiness is level-triggered: bytes
   * that came before the read registered are still there when it does).
   */
  @Operation(nonParallelGroup = "task")
  public void send() {
    if (!closed) {
      readable.set(true);
    }
  }

  /** Someone closes the socket. */
  @Operation(nonParallelGroup = "task")
  public void close() throws IOException {
    closeStarted = true;
    registration.close();
    closed = true;
  }

  /**
   * A turn of the selecting thread, then the two checks, about the reader's state from before the
   * turn (skipped if the reader ran an operation meanwhile, or a close was under way: the close
   * wakes the waiter itself, and the selecting thread then skips the key).
   */
  @Operation(nonParallelGroup = "selector")
  public String turnAndCheck() {
    int opsBefore = readerOps;
    boolean busyBefore = readerBusy || (closeStarted && !closed);
    boolean waiting = lastPollPending;
    boolean canGoOn = readable.get() || closed;
    reactor.turn();
    boolean woken = wakes.get() != wakesAtLastPoll;
    ModelKey k = reactor.key;
    boolean interested = k != null && k.valid && k.interestOps != 0;
    // Read after everything above: a reader operation that overlapped any of it shows here.
    if (busyBefore || readerBusy || readerOps != opsBefore || (closeStarted && !closed)) {
      return "ok";
    }
    if (waiting && canGoOn && !woken) {
      return "lost wake-up";
    }
    if (!waiting && interested) {
      return "interest left behind";
    }
    return "ok";
  }

  @Test
  public void modelCheck() {
    LinChecker.check(RegistrationModelCheckTest.class, DeepCheck.modelChecking(20, 100)
        .threads(2)
        .actorsPerThread(3));
  }
}
