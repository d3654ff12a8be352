// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the registration protocol of a real {@link Registration} and real reads
 * ({@link IoOp}): two tasks on two threads whose reads of one socket register their interest, are
 * dropped (cancellation) or refused (a second waiting read is a named misuse), the selecting
 * thread applying queued interest and dispatching readiness, the peer making the socket readable,
 * and a close, in every interleaving. The selector is a stand-in (a {@link Reactor} over a key
 * that is level-triggered like epoll): Lincheck cannot run a native one.
 *
 * <p>Checked once the scenario ended ({@link #noWakeLostNoInterestLeft}): a read left pending whose
 * last waker was never woken cannot go on, and the key still asks for its interest, so readiness
 * wakes it (no lost wake-up: neither readiness that forgets the waiter nor a release that clears
 * the other task's interest); and once no read waits, the key asks for nothing.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run (readiness that does not wake the waiter) is lost in the sequential runs too,
 * so a result saying so would match them. The tasks behave as executors do ({@link WokenTask}):
 * they poll a waiting read again only once woken, since an unprompted poll would take the bytes a
 * lost wake left unannounced, or register its interest afresh.
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

  /** Task A: reads the socket, one read at a time, polled again only once woken. */
  private final WokenTask<String> a;

  /** Task B: reads the same socket from another thread (a second waiting read is refused). */
  private final WokenTask<String> b;

  /** A fresh socket for each scenario Lincheck runs. */
  public RegistrationModelCheckTest() throws IOException {
    registration = new Registration(reactor, new NoChannel(), () -> "the model's socket");
    a = new WokenTask<>("task A's read", this::newRead);
    b = new WokenTask<>("task B's read", this::newRead);
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

  /** A task's turn: a new read, or its pending one again if it was woken. */
  private static void read(WokenTask<String> task) {
    try {
      task.turn();
    } catch (Exception e) {
      // The read finished with its exception: the socket was closed (thrown unchecked, as a
      // socket operation does), or the other task's read waits (a second read is refused).
    }
  }

  @Operation(nonParallelGroup = "a")
  public void readA() {
    read(a);
  }

  /** Task A abandons its waiting read (a timeout, a lost select, an abort). */
  @Operation(nonParallelGroup = "a")
  public void dropA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void readB() {
    read(b);
  }

  @Operation(nonParallelGroup = "b")
  public void dropB() {
    b.abandon();
  }

  /**
   * The peer sends bytes: the socket becomes readable, unless it was closed. Readiness is
   * level-triggered: bytes that came before a read registered are still there when it does. On
   * the selecting thread, so that the two tasks' threads hold only reads and drops (and B's close):
   * task A's read-then-drop against task B's read comes up in more scenarios.
   */
  @Operation(nonParallelGroup = "selector")
  public void send() {
    if (!closed) {
      readable.set(true);
    }
  }

  /**
   * Task B closes the socket: a waiting read is woken and fails. On B's thread, so that it races
   * both task A's read and the selecting thread's turn (a key cancelled under it).
   */
  @Operation(nonParallelGroup = "b")
  public void close() throws IOException {
    registration.close();
    closed = true;
  }

  /** A turn of the selecting thread: apply the queued changes, select, dispatch readiness. */
  @Operation(nonParallelGroup = "selector")
  public void turn() {
    reactor.turn();
  }

  /**
   * Run once the scenario ended, when no operation runs, after one more turn of the selecting
   * thread (it runs whenever a change is queued). A read left pending whose last waker was never
   * woken must be unable to go on now, and must be waiting legitimately: the key asks for {@code
   * OP_READ}, so the bytes, once they come, wake it. Once no read waits, the key asks for nothing
   * (a dropped read leaves no interest behind, so no busy loop on a readable socket nobody reads).
   */
  @Validate
  public void noWakeLostNoInterestLeft() {
    reactor.turn();
    boolean anyWaits = false;
    for (WokenTask<String> task : List.of(a, b)) {
      anyWaits |= task.isWaiting();
      if (!task.waitsUnwoken()) {
        continue; // nothing waits, or it was woken: its task polls it again
      }
      if (readable.get() || closed) {
        task.assertNoLostWake(); // a poll now goes on: fails
        continue;
      }
      // Waiting for bytes: check without polling it again (a new poll would register afresh).
      ModelKey k = reactor.key;
      int keyOps = k == null || !k.valid ? 0 : k.interestOps;
      if ((keyOps & SelectionKey.OP_READ) == 0) {
        throw new AssertionError("lost wake-up: a read waits, but the key asks for " + keyOps
            + " (its interest was cleared), so no readiness will ever wake it");
      }
      readable.set(true);
      reactor.turn();
      if (task.waitsUnwoken()) {
        throw new AssertionError("lost wake-up: the bytes came and the selecting thread saw the "
            + "key ready, yet the waiting read's waker was not woken");
      }
    }
    ModelKey k = reactor.key;
    if (!anyWaits && k != null && k.valid && k.interestOps != 0) {
      throw new AssertionError("interest left behind: no read waits, yet the key asks for "
          + k.interestOps + " (a readable socket nobody reads would keep the selector busy)");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(RegistrationModelCheckTest.class, DeepCheck.modelChecking(20, 100)
        .threads(3)
        .actorsPerThread(2)
        // No sequential prefix or suffix: the validation runs after the last part, and a read
        // polled in a suffix would take what a lost wake left behind.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
