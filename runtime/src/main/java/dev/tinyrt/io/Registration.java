// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Waker;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/**
 * One channel's place in an {@link IoDriver}: its selection key, the operations someone waits for
 * (the interest set), and one waiter per direction, the reading side ({@code OP_READ}, {@code
 * OP_ACCEPT}) and the writing side ({@code OP_WRITE}, {@code OP_CONNECT}), as in tokio's {@code
 * ScheduledIo}. One read and one write may wait at a time; a second one is a misuse and is named.
 *
 * <p>The interest set is the truth; the key's interest ops follow it, set by the driver thread
 * only. Its bits change so:
 *
 * <ul>
 *   <li>set by a waiting operation after it stored its waker ({@link #await});
 *   <li>cleared by the driver thread when the operation is ready (then it wakes the waker), and by
 *       an operation that finished or was dropped while its bit was still set, before it gives
 *       its side back ({@link #release}): a side is owned by one operation at a time ({@link
 *       #reader}, {@link #writer}, taken by CAS), so a release never clears a newer one's bit.
 * </ul>
 *
 * <p>Each change that may differ from the key queues this registration once ({@link #queued}) for
 * the driver, which copies the set to the key. The key is made lazily on the first wait (a socket
 * that never blocks never touches the selector) and cancelled when the channel closes.
 */
final class Registration implements Runnable {

  /** The operations of the reading side. */
  static final int READ_SIDE = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;

  /** The access to {@link #interest}, for its atomic updates. */
  private static final VarHandle INTEREST;

  /** The access to {@link #queued}, for its CAS. */
  private static final VarHandle QUEUED;

  /** The access to {@link #reader}, for its CAS: a read takes the reading side by winning it. */
  private static final VarHandle READER;

  /** The access to {@link #writer}, for its CAS: a write takes the writing side by winning it. */
  private static final VarHandle WRITER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      INTEREST = lookup.findVarHandle(Registration.class, "interest", int.class);
      QUEUED = lookup.findVarHandle(Registration.class, "queued", boolean.class);
      READER = lookup.findVarHandle(Registration.class, "reader", Object.class);
      WRITER = lookup.findVarHandle(Registration.class, "writer", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The driver whose selector this channel is registered with (its reactor side). */
  private final Reactor driver;

  /** The channel, non-blocking. */
  private final SelectableChannel channel;

  /**
   * The operations a waiter waits for; the key's interest ops follow it. Updated through {@link
   * #INTEREST} (plain int fields, not atomics: an idle connection pays for every object it holds).
   */
  @SuppressWarnings("unused") // through INTEREST
  private volatile int interest;

  /** Set while this registration sits in the driver's queue, so it is queued once. */
  @SuppressWarnings("unused") // through QUEUED
  private volatile boolean queued;

  /** The key, made and changed by the driver thread only; null until the first wait. */
  private SelectionKey key;

  /** The waker of the waiting read (or accept), or null. */
  private volatile Waker readWaker;

  /** The waker of the waiting write (or connect), or null. */
  private volatile Waker writeWaker;

  /**
   * The operation that owns the reading side while it waits, or null. Taken by a CAS from null in
   * {@link #await} (a second concurrent read loses it and is named), given back last in {@link
   * #release}, after its waker and interest bit are gone: so a new read's bit is never cleared by
   * an old read's release. Updated through {@link #READER}.
   */
  private volatile Object reader;

  /** The operation that owns the writing side while it waits, or null; as {@link #reader}. */
  private volatile Object writer;

  /**
   * Says what this socket is, for messages ({@code "TcpStream 127.0.0.1:5000 -> 127.0.0.1:6000"}):
   * a {@code Supplier<String>}, or the {@link TcpStream} itself (no lambda object per connection),
   * asked when a message needs it, not kept as a string per connection.
   */
  volatile Object description;

  /** Set by {@link #close()}: operations fail, the key is cancelled. */
  private volatile boolean closed;

  Registration(IoDriver driver, SelectableChannel channel, Supplier<String> description)
      throws IOException {
    this(driver.reactor(), channel, description);
  }

  /** For a model check: a registration with a stand-in for the driver. */
  Registration(Reactor driver, SelectableChannel channel, Supplier<String> description)
      throws IOException {
    this.driver = driver;
    this.channel = channel;
    this.description = description;
    channel.configureBlocking(false);
  }

  /** @return what this socket is, for messages */
  @SuppressWarnings("unchecked")
  String description() {
    Object d = description;
    return d instanceof TcpStream stream ? stream.describe() : ((Supplier<String>) d).get();
  }

  /** @return the channel */
  SelectableChannel channel() {
    return channel;
  }

  /** @return whether {@link #close()} was called */
  boolean isClosed() {
    return closed;
  }

  /**
   * Makes {@code op} the waiter for {@code ops} (one side), with {@code waker}, and adds {@code
   * ops} to the interest set. Called by an operation whose attempt would block.
   *
   * @param ops the operations waited for, all on one side
   * @param waker the task's waker
   * @param op the waiting operation, to tell a concurrent second one
   * @throws IOException if the channel or the driver was closed
   */
  void await(int ops, Waker waker, Object op) throws IOException {
    boolean read = (ops & READ_SIDE) != 0;
    // Ordering: a volatile CAS; it succeeds only after the previous owner's release gave the side
    // back (its last step), so that release's interest clear is over before our bit is set.
    Object owner = (Object) (read ? READER : WRITER).compareAndExchange(this, null, op);
    if (owner != null && owner != op) {
      // Another operation owns the side: it waits, or is finishing and has not given it back.
      throw new IllegalStateException("two " + (read ? "reads (or accepts)" : "writes")
          + " wait at once on one socket: await one before starting the next, or give each task "
          + "its own socket");
    }
    // Store the waker before the interest bit: the driver reads the waker after clearing the bit.
    if (read) {
      readWaker = waker;
    } else {
      writeWaker = waker;
    }
    int before = (int) INTEREST.getAndBitwiseOr(this, ops);
    // Checked after the store: close() sets closed before it reads the wakers.
    if (closed) {
      release(ops, op);
      throw IoErrors.closed(this);
    }
    if (driver.isClosed()) {
      release(ops, op);
      throw new IOException("the IoDriver serving this socket was closed (" + driver + "): "
          + "open the socket on a running driver");
    }
    if ((before & ops) != ops) {
      enqueue(); // the key must learn the new interest
    }
  }

  /**
   * Stops {@code op}'s wait: its waker is let go and its interest bit cleared (the key follows).
   * Called when the operation finished, failed or was dropped; does nothing if it did not wait.
   *
   * @param ops the operations it waited for
   * @param op the operation
   */
  void release(int ops, Object op) {
    boolean read = (ops & READ_SIDE) != 0;
    // If op does not own the side, it never waited (or was refused): nothing of it to undo.
    if ((read ? reader : writer) != op) {
      return;
    }
    // While op still owns the side no other operation can set a bit on it (its CAS in await
    // fails), so the clear below removes op's interest only.
    if (read) {
      readWaker = null;
    } else {
      writeWaker = null;
    }
    int before = (int) INTEREST.getAndBitwiseAnd(this, ~ops);
    if ((before & ops) != 0) {
      enqueue(); // the key still has the interest: clear it
    }
    // Ordering: a volatile write, after the waker and the bit are gone; a new operation's CAS
    // that reads it sees both cleared and sets its own after. Giving the side back first let a
    // new read set its bit in between, and our clear removed it: its wake was lost forever
    // (ReleaseRaceModelCheckTest).
    (read ? READER : WRITER).setVolatile(this, null);
  }

  /**
   * Closes the channel (its key is cancelled with it) and wakes the waiting operations, which fail
   * with a clear exception. The driver is asked to select once more, which deregisters the key and
   * so releases the socket's descriptor. Idempotent.
   *
   * @throws IOException if closing the channel failed
   */
  void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      wakeBoth();
      enqueue();
    }
  }

  /** Called on the driver thread when its selector closes: the waiters fail on their next poll. */
  void driverClosed() {
    wakeBoth();
  }

  private void wakeBoth() {
    Waker r = readWaker;
    if (r != null) {
      r.wake();
    }
    Waker w = writeWaker;
    if (w != null) {
      w.wake();
    }
  }

  private void enqueue() {
    if (QUEUED.compareAndSet(this, false, true)) {
      driver.submit(this);
    }
  }

  /** On the driver thread: makes the key follow the interest set. */
  @Override
  public void run() {
    // Ordering: clear the flag before reading the set, so a change after our read queues us again.
    QUEUED.setVolatile(this, false);
    if (closed || driver.isClosed()) {
      if (key != null) {
        key.cancel(); // the channel's close did it already; flushed by the next select
      }
      return;
    }
    int ops = (int) INTEREST.getVolatile(this);
    try {
      if (key == null) {
        if (ops != 0) {
          key = driver.register(channel, ops, this);
        }
      } else {
        key.interestOps(ops);
      }
    } catch (CancelledKeyException | IOException e) {
      // The channel was closed under us: wake the waiters, whose next attempt reports it.
      wakeBoth();
    }
  }

  /**
   * On the driver thread: the key is ready for {@code key.readyOps()}; those operations leave the
   * interest set and their waiters are woken.
   *
   * @param selected the selected key, this registration's
   */
  void ready(SelectionKey selected) {
    int readyOps;
    try {
      readyOps = selected.readyOps();
    } catch (CancelledKeyException e) {
      wakeBoth();
      return;
    }
    int left = (int) INTEREST.getAndBitwiseAnd(this, ~readyOps) & ~readyOps;
    try {
      selected.interestOps(left);
    } catch (CancelledKeyException e) {
      // closed meanwhile: the wakes below report it
    }
    // Ordering: the waiter stored its waker before setting the bit we just cleared; a waiter that
    // sets the bit again after our clear stores its waker first, and re-queues us.
    if ((readyOps & READ_SIDE) != 0) {
      Waker r = readWaker;
      if (r != null) {
        r.wake();
      }
    }
    if ((readyOps & ~READ_SIDE) != 0) {
      Waker w = writeWaker;
      if (w != null) {
        w.wake();
      }
    }
  }
}
