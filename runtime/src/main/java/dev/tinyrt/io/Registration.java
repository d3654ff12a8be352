// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.Waker;
import dev.tinyrt.internal.Wakes;
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
 * <p>Each change that may differ from the key queues this registration once ({@link #QUEUED}) for
 * the driver, which copies the set to the key. The key is made lazily on the first wait (a socket
 * that never blocks never touches the selector) and cancelled when the channel closes.
 */
final class Registration implements Runnable {

  /** The operations of the reading side. */
  static final int READ_SIDE = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;

  /** The bits of {@link #state} that are the interest set ({@code SelectionKey.OP_*}). */
  private static final int OPS = SelectionKey.OP_READ | SelectionKey.OP_WRITE
      | SelectionKey.OP_CONNECT | SelectionKey.OP_ACCEPT;

  /**
   * In {@link #state}: set while this registration sits in the driver's queue, so it is queued
   * once. Set by the change that queues it, cleared by the driver thread when it runs it.
   */
  private static final int QUEUED = 1 << 8;

  /** In {@link #state}: set once by {@link #close()}, never cleared; operations fail. */
  private static final int CLOSED = 1 << 9;

  /**
   * In {@link #state}: the socket may be read without waiting (tokio's cached readiness). Set
   * when the selector reports it readable ({@link #ready}) and when a stream is made (a first read
   * is worth trying); cleared by a read that found nothing, or fewer bytes than it had room for
   * (the kernel's buffer was emptied). It may be stale either way: set while nothing is there
   * (the next read says so, and clears it), or cleared while bytes came (the selector is
   * level-triggered: the next wait's select reports them). So a clear never loses a wake.
   */
  private static final int READ_READY = 1 << 10;

  /**
   * In {@link #state}: set by {@link #close()} once the channel's close returned or threw, before
   * its last enqueue: from then on the driver may cancel the key itself (see {@link #run()}). A bit
   * of the state, not a field of its own: an idle connection pays for every byte it holds.
   */
  private static final int CLOSE_FINISHED = 1 << 11;

  /** The access to {@link #state}, for its atomic updates. */
  private static final VarHandle STATE;

  /** The access to {@link #reader}, for its CAS: a read takes the reading side by winning it. */
  private static final VarHandle READER;

  /** The access to {@link #writer}, for its CAS: a write takes the writing side by winning it. */
  private static final VarHandle WRITER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(Registration.class, "state", int.class);
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
   * One word: the interest set (the operations a waiter waits for, {@link #OPS}; the key's
   * interest ops follow it), {@link #QUEUED} and {@link #CLOSED}. Updated through {@link #STATE}
   * (one int, not atomics nor three fields: an idle connection pays for every byte it holds).
   */
  @SuppressWarnings("unused") // through STATE
  private volatile int state;

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

  /** @return whether {@code io}'s selector serves this channel (for this package's tests) */
  boolean servedBy(IoDriver io) {
    return driver == io.reactor();
  }

  /** @return the channel */
  SelectableChannel channel() {
    return channel;
  }

  /**
   * Sets {@code bits} in the state word, as {@code STATE.getAndBitwiseOr} would: the same
   * weak-CAS loop the JDK runs for it, written out because Lincheck's model checker does not
   * switch threads before a {@code getAndBitwise*} call, so the model checks would never see a
   * race there ({@code LincheckSwitchesAtVarHandlesTest}).
   *
   * @return the word before
   */
  private int getAndOr(int bits) {
    int s;
    do {
      s = (int) STATE.getVolatile(this);
    } while (!STATE.weakCompareAndSet(this, s, s | bits));
    return s;
  }

  /**
   * Keeps only {@code mask}'s bits of the state word, as {@code STATE.getAndBitwiseAnd} would
   * (written out for the reason {@link #getAndOr} gives).
   *
   * @return the word before
   */
  private int getAndAnd(int mask) {
    int s;
    do {
      s = (int) STATE.getVolatile(this);
    } while (!STATE.weakCompareAndSet(this, s, s & mask));
    return s;
  }

  /** @return whether {@link #close()} was called */
  boolean isClosed() {
    return ((int) STATE.getVolatile(this) & CLOSED) != 0;
  }

  /** @return whether the socket may be read without waiting ({@link #READ_READY}) */
  boolean isReadReady() {
    return ((int) STATE.getVolatile(this) & READ_READY) != 0;
  }

  /** Marks the socket readable without a select: a new stream, whose first read is worth trying. */
  void markReadReady() {
    getAndOr(READ_READY);
  }

  /**
   * After a read: clears {@link #READ_READY} if it found nothing (even into a full buffer) or fewer
   * bytes than it had room for, so that the next {@code readable()} waits for the selector.
   *
   * @param read what the read returned
   * @param room how many bytes it had room for
   */
  void afterRead(int read, int room) {
    // Ordering: a stale clear (bytes came meanwhile) only costs a select, which reports them.
    // A read of nothing clears it whatever the room: into a full buffer (room 0) it proves
    // nothing, and keeping the bit would make readable() answer at once forever (a busy loop).
    if (read >= 0 && (read == 0 || read < room)
        && ((int) STATE.getVolatile(this) & READ_READY) != 0) {
      getAndAnd(~READ_READY);
    }
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
    int before = getAndOr(ops);
    // Ordering: CLOSED is read in the word we just changed, so after our waker's store; close()
    // sets CLOSED before it reads the wakers: either we see it here, or it sees our waker.
    if ((before & CLOSED) != 0) {
      release(ops, op);
      throw IoErrors.closed(this);
    }
    if (driver.isClosed()) {
      release(ops, op);
      throw IoErrors.driverClosed(this, driver);
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
    int before = getAndAnd(~ops);
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
    // If it was closed already, the first close did everything.
    if ((getAndOr(CLOSED) & CLOSED) != 0) {
      return;
    }
    try {
      channel.close();
    } finally {
      getAndOr(CLOSE_FINISHED); // before the enqueue: the run it submits reads it
      wakeBoth();
      enqueue();
    }
  }

  /** Called on the driver thread when its selector closes: the waiters fail on their next poll. */
  void driverClosed() {
    wakeBoth();
  }

  private void wakeBoth() {
    // A waker that throws (a user's, which must not) is logged, and the other side still woken.
    Wakes.wake(readWaker);
    Wakes.wake(writeWaker);
  }

  private void enqueue() {
    // Ordering: a volatile read-modify-write; only the change that sets QUEUED submits.
    if ((getAndOr(QUEUED) & QUEUED) == 0) {
      driver.submit(this);
    }
  }

  /** On the driver thread: makes the key follow the interest set. */
  @Override
  public void run() {
    // Ordering: clear the flag before reading the set, so a change after our read queues us again.
    int now = getAndAnd(~QUEUED) & ~QUEUED;
    if ((now & CLOSED) != 0 || driver.isClosed()) {
      // A channel being closed: its close cancels the key itself, after it waited for the reads
      // and writes in flight, and this is only flushed by the next select. Cancelled here while
      // the close was under way, the key was deregistered by the next select, which on Java 17
      // closes a closing channel's descriptor at once: a write still on its way to its system
      // call failed with a raw "Bad file descriptor", or wrote its bytes into whichever socket had
      // just been given that descriptor number (CloseRacingWriteTest). So the key is cancelled
      // here only once close() is over (in case the channel's close threw before it got to its
      // keys), or when the driver closed under a channel nobody closed.
      if (key != null && ((now & CLOSED) == 0 || (now & CLOSE_FINISHED) != 0)) {
        key.cancel();
      }
      if ((now & CLOSED) == 0) {
        // The driver closed after the waiter's check in await, and before its key was made: the
        // selector's close did not see it. Wake it: its next poll fails, saying so (await).
        wakeBoth();
      }
      return;
    }
    int ops = now & OPS;
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
    if ((readyOps & SelectionKey.OP_READ) != 0) {
      // Before the wake: the woken readable() sees it, and so does any later one until a read
      // finds the socket empty.
      getAndOr(READ_READY);
    }
    int left = getAndAnd(~readyOps) & ~readyOps & OPS;
    try {
      selected.interestOps(left);
    } catch (CancelledKeyException e) {
      // closed meanwhile: the wakes below report it
    }
    // Ordering: the waiter stored its waker before setting the bit we just cleared; a waiter that
    // sets the bit again after our clear stores its waker first, and re-queues us.
    // A waker that throws (a user's, which must not) is logged, and the other side still woken.
    if ((readyOps & READ_SIDE) != 0) {
      Wakes.wake(readWaker);
    }
    if ((readyOps & ~READ_SIDE) != 0) {
      Wakes.wake(writeWaker);
    }
  }
}
