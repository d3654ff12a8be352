// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import dev.tinyrt.internal.RuntimeThreads;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.IoMode;
import dev.tinyrt.rt.Parker;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The I/O driver: one {@link Selector} and the one thread that selects on it, its own daemon
 * thread ({@code tinyrt-io-N}) or a current-thread runtime's driving thread, and wakes exactly the
 * tasks whose socket became ready. It is its own component, used by any runtime: tasks on a
 * current-thread or a multi-threaded runtime are woken through their wakers, like timer wakes.
 * {@link #system()} is shared by the whole JVM and started on first use; {@link #open()} makes a
 * private one that {@link #close()} stops.
 *
 * <p>How an operation waits (the one protocol, in {@link Registration} and {@link IoOp}):
 *
 * <ol>
 *   <li>The task tries the non-blocking operation first; only if it would block does it store its
 *       waker and add the operation's interest ({@code OP_READ}, {@code OP_WRITE}, ...) to the
 *       channel's registration.
 *   <li>A registration whose interest set changed is queued here once (a flag), and the selector
 *       is woken only if the selecting thread is blocked, or about to block, in {@code select}
 *       (the {@link #state} word, moved on by one CAS so a burst of changes costs one {@code
 *       wakeup()}).
 *   <li>The selecting thread applies queued interest sets to the keys before each select; the selector is
 *       level-triggered, so readiness that arrived between the task's try and the key's update is
 *       reported by the next select, never lost.
 *   <li>On readiness it removes the ready operations from the key's interest (no busy loop on a
 *       readable socket nobody reads) and wakes the waker stored for each of them.
 * </ol>
 *
 * <p>Which driver a socket opened without one uses ({@code TcpListener.bind(address)}, {@code
 * TcpStream.connect(address)}, {@code UdpSocket.bind(address)}): that of the runtime the caller
 * runs on, a task of it or its {@code blockOn}, as {@link #of(AsyncRuntime)} returns it; outside
 * every runtime, {@link #system()}.
 *
 * <p>Three ways to run it. {@link #open()} and {@link #system()} have their own thread, which a
 * multi-threaded runtime built with {@link IoMode#DRIVER_THREAD} uses (measured against per-worker
 * selectors in {@code docs/benchmarks.md}). {@link #of(AsyncRuntime)} of a
 * current-thread runtime has no thread: it is the runtime's {@link Parker}, so the runtime's
 * driving thread selects when it has no task to run (and looks without blocking every few dozen
 * tasks when it always has one). Its sockets are then served only while that runtime is driven:
 * use them from its tasks. On a multi-threaded runtime with {@link IoMode#PER_WORKER} (the
 * default), each worker has such a driver: {@link #of(AsyncRuntime)} returns the calling worker's (one chosen
 * round robin from another thread), and a socket accepted or connected by a task lives on the
 * selector of the worker that polled the accept or connect.
 *
 * <p>Who may block in {@code select}, and who must wake it, is one state word ({@link #state}):
 *
 * <ul>
 *   <li>{@link #IDLE}: the selecting thread is not blocked (it runs tasks, or applies changes).
 *   <li>{@link #SELECTING}: it is in, or about to enter, a blocking {@code select}; the first
 *       thread that must get it out moves the word to {@link #NOTIFIED} and calls {@code
 *       Selector.wakeup()}: a burst of changes or wakes costs one {@code wakeup()}.
 *   <li>{@link #NOTIFIED}: a wake came (a task queued from another thread); the next park, or the
 *       one in progress, returns without blocking. Only {@link #unpark()} leaves this permit while
 *       the thread is {@code IDLE}; a change needs none, the thread looks at its queue after it
 *       announced {@code SELECTING}.
 * </ul>
 */
public final class IoDriver implements AutoCloseable {

  /** Numbers the driver threads: {@code tinyrt-io-1}, {@code tinyrt-io-2}, ... */
  private static final AtomicInteger THREADS = new AtomicInteger();

  /**
   * Holds the JVM-wide driver, made on first use. Not a static field of this class: a model checker
   * that walks a driver's class (Lincheck, over a driver of its own) would follow it into the
   * system driver's thread and from there into the class loaders, which it cannot read on Java 25.
   */
  private static final class SystemDriver {

    /** The driver once made. */
    static volatile IoDriver instance;
  }

  /** {@link #state}: the selecting thread is not blocked in {@code select}. */
  static final int IDLE = 0;

  /** {@link #state}: the selecting thread is in, or about to enter, a blocking {@code select}. */
  static final int SELECTING = 1;

  /** {@link #state}: a wake is pending; the park in progress, or the next, does not block. */
  static final int NOTIFIED = 2;

  /** The access to {@link #state}, for its CAS. */
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(IoDriver.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The selector; only the selecting thread selects on it and changes its keys, and it is closed
   * only while no thread turns it ({@link #turning}).
   */
  private final Selection selector;

  /** Work for the driver thread: registrations whose interest changed, and checks from tests. */
  private final ConcurrentLinkedQueue<Runnable> changes = new ConcurrentLinkedQueue<>();

  /** The driver thread; null for a runtime's driver, selected by the runtime's own threads. */
  private final Thread thread;

  /** The runtime whose threads select on this driver; null for a driver with its own thread. */
  private final AsyncRuntime runtime;

  /** For messages: the thread's name, or the runtime's. */
  private final String name;

  /** {@link #IDLE}, {@link #SELECTING} or {@link #NOTIFIED}. Accessed through {@link #STATE}. */
  @SuppressWarnings("unused") // through STATE
  private volatile int state;

  /** Set by {@link #close()}: the thread ends, and operations that would wait fail. */
  private volatile boolean closed;

  /** Set once the selector is closed: a change submitted later is run by its submitter. */
  private volatile boolean stopped;

  /**
   * Set while the selecting thread is in {@link #turn} (it may be blocked in {@code select}): the
   * selector is then its own, and a close asked for meanwhile is left to it ({@link #endTurn}).
   * With {@link #closed}, the hand-off that closes the selector exactly once, never under a
   * thread that uses it (a worker that outlived its runtime's wait for it, say).
   */
  private volatile boolean turning;

  /** Won by the one thread that closes the selector ({@link #shutDown}). */
  private final AtomicBoolean shutDownClaimed = new AtomicBoolean();

  /** A runtime's driver, closed with it: the thread that parked last, to unpark it once closed. */
  private volatile Thread parkedThread;

  /**
   * For tests: run by the selecting thread each time it announced a blocking select, before it
   * selects, so a test's other thread can wait for that moment on a latch instead of spinning on
   * {@link #selecting()}. Null (one volatile read per turn) outside tests.
   */
  volatile Runnable selectingHook;

  /** How many {@code Selector.wakeup()} calls were made, for tests that check we make few. */
  private final AtomicInteger wakeups = new AtomicInteger();

  /**
   * @param runtime the runtime whose thread (or worker) selects; null for a thread of its own
   * @param number which of the runtime's selectors this is, from 1, for messages
   */
  private IoDriver(AsyncRuntime runtime, int number) {
    this.selector = Selection.open();
    this.runtime = runtime;
    if (runtime == null) {
      String threadName = "tinyrt-io-" + THREADS.incrementAndGet();
      this.thread = RuntimeThreads.service(threadName, "an I/O driver (" + threadName + ")",
          this::drive);
      this.name = thread.getName();
    } else {
      this.thread = null;
      this.name = "runtime " + runtime.name() + "'s selector " + number;
    }
  }

  /**
   * For a model check: a driver with no thread over a stand-in selector, turned through {@link
   * #newParker()} by the check's own threads.
   *
   * @param selector the stand-in
   * @param name for messages
   */
  IoDriver(Selection selector, String name) {
    this.selector = selector;
    this.runtime = null;
    this.thread = null;
    this.name = name;
  }

  /** @return a parker that turns this driver, as a runtime's thread does (for a model check) */
  Parker newParker() {
    return new RuntimeParker();
  }

  /** @return the JVM-wide driver, with its one thread, started on first use */
  public static IoDriver system() {
    IoDriver d = SystemDriver.instance;
    if (d == null) {
      synchronized (SystemDriver.class) {
        d = SystemDriver.instance;
        if (d == null) {
          d = open();
          SystemDriver.instance = d;
        }
      }
    }
    return d;
  }

  /**
   * Returns a new driver with its own selector and thread, for a server that wants its sockets on
   * their own thread, or a test that wants to count what is left. {@link #close()} stops it.
   *
   * @return a started driver
   */
  public static IoDriver open() {
    IoDriver d = new IoDriver(null, 0);
    d.thread.start();
    return d;
  }

  /**
   * Returns the driver of {@code runtime}'s sockets. On a current-thread runtime, its own driver,
   * made on the first call, with no thread: the runtime's driving thread selects on it when it has
   * no task to run, and it closes with the runtime. On a multi-threaded runtime with {@link
   * IoMode#PER_WORKER} (the default), the calling worker's driver (one chosen round robin from another thread);
   * the first call makes one per worker, and they close with the runtime. On any other
   * multi-threaded runtime, {@link #system()}.
   *
   * <pre>{@code
   * try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
   *   TcpListener listener = TcpListener.bind(address, IoDriver.of(rt)); // no I/O thread
   *   rt.blockOn(serve(listener));
   * }
   * }</pre>
   *
   * @param runtime the runtime whose tasks use the sockets
   * @return its driver
   */
  public static IoDriver of(AsyncRuntime runtime) {
    Parker p = parkerOf(runtime);
    if (p == null) {
      return system();
    }
    if (!(p instanceof RuntimeParker io)) {
      throw new IllegalStateException("runtime " + runtime.name() + " already parks with " + p
          + ": give its sockets a driver with a thread, IoDriver.open()");
    }
    return io.driver();
  }

  /**
   * Returns the driver of a socket opened without one ({@code TcpListener.bind(address)}, {@code
   * TcpStream.connect(address)}, {@code UdpSocket.bind(address)}): on a thread that runs a
   * runtime's task, or is in a runtime's {@code blockOn}, that runtime's ({@link #of}: no I/O
   * thread on a per-worker or current-thread runtime); elsewhere, or on a runtime that parks with a
   * parker of another kind, {@link #system()}.
   *
   * @return the driver for a socket opened now by the caller
   * @throws IllegalStateException if the caller's runtime is shut down
   */
  static IoDriver ofCaller() {
    AsyncRuntime runtime = AsyncRuntime.tryCurrent().orElse(null);
    if (runtime == null) {
      return system();
    }
    return parkerOf(runtime) instanceof RuntimeParker io ? io.driver() : system();
  }

  /**
   * @return {@code runtime}'s parker, installing this class's on the first call (one per worker on
   *     a per-worker runtime); null if its workers park on their own
   */
  private static Parker parkerOf(AsyncRuntime runtime) {
    AtomicInteger made = new AtomicInteger(); // numbers a runtime's selectors, for messages
    return runtime.parker(
        () -> new IoDriver(runtime, made.incrementAndGet()).new RuntimeParker());
  }

  /**
   * Returns the driver a socket accepted or connected now should live on: for a runtime's driver,
   * the calling worker's ({@link #of}); else, or once that runtime is shut down, this one.
   *
   * @return the driver for a new socket
   */
  IoDriver forNewSocket() {
    AsyncRuntime rt = runtime;
    if (rt == null) {
      return this;
    }
    try {
      return of(rt);
    } catch (IllegalStateException shutDown) {
      return this; // closed with its runtime: the socket's first wait names that
    }
  }

  /** @return whether {@link #close()} was called */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops the driver: its thread ends and its selector closes, which deregisters every key; tasks
   * waiting on one of its sockets are woken and fail at their await. Closing the system driver is
   * refused. Idempotent.
   */
  @Override
  public void close() {
    if (this == SystemDriver.instance) {
      throw new IllegalStateException(
          "IoDriver.system() is shared by the whole JVM and cannot be closed: open a private one "
              + "with IoDriver.open() if you need to stop it");
    }
    if (thread == null) {
      throw new IllegalStateException(
          "this I/O driver is " + name + ", turned by that runtime's own threads, and closes "
              + "with it: close the runtime, or open a driver of your own with IoDriver.open()");
    }
    requestClose();
  }

  /**
   * Asks for the selector to close: at once if no thread turns it, else by that thread as its turn
   * ends (the select in progress is woken). Either way, {@link #isClosed()} from now on, and
   * operations that would wait fail. Idempotent.
   */
  private void requestClose() {
    closed = true;
    selector.wakeup();
    // Ordering: closed (volatile) is written before turning is read; the selecting thread writes
    // turning before it reads closed (turn), and clears it before it reads closed again (endTurn).
    // So either we see it turning and it sees closed at its turn's end and closes, or it sees
    // closed before it touches the selector and we close; if both do, shutDown runs once.
    if (!turning) {
      shutDown();
    }
  }

  /**
   * Queues {@code change} for the driver thread and wakes the selector if that thread is blocked
   * in it (only the first change after it blocked pays for the {@code wakeup()}).
   *
   * @param change what the driver thread must do before it selects again
   */
  void submit(Runnable change) {
    changes.add(change);
    // Ordering: the queue's volatile add comes before this volatile read; the selecting thread
    // CASes SELECTING in before it reads the queue. One of us sees the other: either it finds the
    // change before it blocks, or we see it selecting and wake it. If it is IDLE it will look.
    // If it is SELECTING, the first of us to move it to NOTIFIED pays for the one wakeup().
    if ((int) STATE.getVolatile(this) == SELECTING
        && STATE.compareAndSet(this, SELECTING, NOTIFIED)) {
      wakeups.incrementAndGet();
      selector.wakeup();
    }
    // If the selector is closed, nobody else will run it: run it here (it sees the driver
    // closed, cancels what it holds, or fails its stage).
    if (stopped) {
      runChanges();
    }
  }

  /**
   * Gets the selecting thread out of its park (a task was queued for it), or makes its next park
   * return at once. Never throws, never blocks; one {@code wakeup()} per park at most.
   */
  void unpark() {
    int s = (int) STATE.getVolatile(this);
    while (true) {
      switch (s) {
        case NOTIFIED -> {
          // A wake is already pending: the thread will look at its queues before it blocks.
          return;
        }
        case IDLE -> {
          // Ordering: the CAS is volatile; the selecting thread's CAS from IDLE to SELECTING
          // fails on our NOTIFIED, and it returns instead of blocking (the permit).
          int witness = (int) STATE.compareAndExchange(this, IDLE, NOTIFIED);
          if (witness == IDLE) {
            return;
          }
          s = witness;
        }
        default -> {
          // SELECTING: blocked, or about to block, in select; whoever moves it on wakes it.
          int witness = (int) STATE.compareAndExchange(this, SELECTING, NOTIFIED);
          if (witness == SELECTING) {
            wakeups.incrementAndGet();
            selector.wakeup(); // kept by the selector if select is not entered yet
            return;
          }
          s = witness;
        }
      }
    }
  }

  /**
   * One turn of the selecting thread: applies the changes, selects (blocking at most {@code
   * timeoutNanos}, unless a wake or a change is pending) and wakes the ready operations' wakers.
   *
   * @param timeoutNanos 0 to look without blocking; {@code Long.MAX_VALUE} for no limit
   * @return false if the driver is closed: the selector was not touched (and is closed, by this
   *     thread or the closer)
   */
  private boolean turn(long timeoutNanos) throws IOException {
    // Take the selector for this turn, unless it is closed.
    turning = true;
    // Ordering: turning (volatile) is written before closed is read; requestClose writes closed
    // before it reads turning: if we read it unset, the close is ours or the closer's, never
    // under our feet (see requestClose).
    if (closed) {
      endTurn();
      return false;
    }
    // Apply what other threads asked for.
    runChanges();
    // Announce the select, unless a wake is pending (then take it and only look).
    if (timeoutNanos > 0 && STATE.compareAndSet(this, IDLE, SELECTING)) {
      Runnable hook = selectingHook;
      if (hook != null) {
        hook.run(); // a test's latch: its other thread acts while we select
      }
      if (!changes.isEmpty() || closed) {
        selector.selectNow(); // a change came after the drain: apply it first
      } else if (timeoutNanos == Long.MAX_VALUE) {
        selector.select(/* timeoutMillis = no limit */ 0);
      } else {
        // select(0) would mean forever: wait at least a millisecond, rounded up.
        selector.select(Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
      }
    } else {
      selector.selectNow();
    }
    afterSelect();
    return true;
  }

  /**
   * The rest of a turn once its select returned: wakes the ready, then ends the turn. Package-
   * private for the model check, which resumes here a select it held as blocked.
   */
  void afterSelect() {
    // Ordering: a volatile write; a waker that reads IDLE sets the permit for the next turn.
    STATE.setVolatile(this, IDLE);
    dispatchReady();
    endTurn();
  }

  /** Gives the selector back after a turn, and closes it if a close was asked for meanwhile. */
  private void endTurn() {
    turning = false;
    // Ordering: turning is cleared before closed is read: a requestClose that read it set wrote
    // closed before that read, so we see it here and close in its place.
    if (closed) {
      shutDown();
    }
  }

  /** This driver as its registrations see it. */
  private final Reactor reactor = new Reactor() {
    @Override
    public void submit(Runnable change) {
      IoDriver.this.submit(change);
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public SelectionKey register(SelectableChannel channel, int ops, Registration registration)
        throws IOException {
      return selector.register(channel, ops, registration);
    }

    @Override
    public String closedReason() {
      AsyncRuntime rt = runtime;
      return rt != null
          ? "runtime " + rt.name() + " was shut down, and its selectors closed with it: finish a "
              + "socket's operations before closing the runtime that serves it, or open the "
              + "socket on a driver with a thread of its own (IoDriver.open())"
          : "the IoDriver serving this socket was closed (" + IoDriver.this + "): open the "
              + "socket on a running driver";
    }

    @Override
    public String toString() {
      return IoDriver.this.toString();
    }
  };

  /** @return this driver as its registrations see it */
  Reactor reactor() {
    return reactor;
  }

  /** The driver thread: apply changes, select, wake the ready, until closed. */
  private void drive() {
    try {
      while (turn(Long.MAX_VALUE)) {
        // until closed: the turn that sees it closes the selector
      }
    } catch (IOException | ClosedSelectorException e) {
      failed(e);
    }
  }

  /**
   * The selector failed under the selecting thread (not closed by us: that never happens while a
   * thread turns it): says so, and closes it, which wakes every waiting operation to fail.
   */
  private void failed(Exception e) {
    turning = false;
    closed = true;
    System.getLogger("dev.tinyrt").log(System.Logger.Level.ERROR, "the selector of " + name
        + " failed; its sockets' waiting operations are woken to fail", e);
    shutDown();
  }

  private void runChanges() {
    Runnable change;
    while ((change = changes.poll()) != null) {
      try {
        change.run();
      } catch (RuntimeException e) {
        lost(e);
      }
    }
  }

  /** Wakes the wakers of every selected key and removes the ready operations from its interest. */
  private void dispatchReady() {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      try {
        ((Registration) key.attachment()).ready(key);
      } catch (RuntimeException e) {
        lost(e);
      }
    }
  }

  /** A waker broke its contract and threw: report it, and keep serving every other socket. */
  private static void lost(RuntimeException e) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.ERROR,
        "a waker threw on the I/O driver's thread (a wake must never throw); the driver goes on", e);
  }

  /**
   * Closes the selector and fails every waiting operation; once, by the thread that wins {@link
   * #shutDownClaimed} (the closer, or the selecting thread as its turn ends), while no thread
   * turns the selector.
   */
  private void shutDown() {
    if (!shutDownClaimed.compareAndSet(false, true)) {
      return; // closed by the other side of the hand-off
    }
    closed = true;
    try {
      for (SelectionKey key : selector.keys()) {
        ((Registration) key.attachment()).driverClosed();
      }
      selector.close();
    } catch (IOException | RuntimeException e) {
      System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING,
          "closing the I/O driver's selector failed", e);
    }
    // Ordering: set before the last drain; a submit after it sees the flag and drains itself.
    stopped = true;
    runChanges(); // registrations queued meanwhile see the driver closed
  }

  /**
   * A current-thread runtime's parker: its driving thread turns the driver instead of parking.
   * Once the runtime stopped (and the selector with it), it parks with {@code LockSupport}.
   */
  private final class RuntimeParker implements Parker {

    /** Set once the selector failed or closed. */
    private volatile boolean broken;

    IoDriver driver() {
      return IoDriver.this;
    }

    @Override
    public void park(long timeoutNanos) {
      if (!broken) {
        try {
          if (turn(timeoutNanos)) {
            return;
          }
          broken = true; // closed: the runtime stopped while this thread still parked
        } catch (IOException | ClosedSelectorException e) {
          broken = true;
          failed(e);
        }
      }
      // Only once the selector is gone: a plain park, which unpark() ends through parkedThread.
      parkedThread = Thread.currentThread();
      // Ordering: parkedThread is written before the permit is taken; an unpark that set the
      // permit after this read unparks the thread it then reads, whose permit LockSupport keeps.
      if (timeoutNanos > 0 && (int) STATE.getAndSet(IoDriver.this, IDLE) != NOTIFIED) {
        LockSupport.parkNanos(this, timeoutNanos);
      }
    }

    @Override
    public void unpark() {
      IoDriver.this.unpark();
      Thread t = parkedThread;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }

    @Override
    public void stop() {
      broken = true;
      requestClose(); // by this thread, or by a thread still in its turn as that turn ends
    }

    @Override
    public String toString() {
      return IoDriver.this.toString();
    }
  }

  /**
   * What a driver holds: the keys registered on its selector, and those with a non-empty interest
   * set (an operation waits on them). A dropped operation brings {@code interested} back down; a
   * closed socket brings {@code registered} back down.
   *
   * @param registered the keys on the selector (one per socket that ever waited and is open)
   * @param interested the keys an operation waits on
   */
  public record KeyCount(int registered, int interested) {}

  /**
   * Counts the keys on the driver thread, after the changes queued before this call and after a
   * select that flushes cancelled keys (which also releases their sockets' descriptors): for
   * diagnostics and tests that check that nothing was left behind.
   *
   * @return a stage completed by the driver thread
   */
  public CompletableFuture<KeyCount> keyCount() {
    CompletableFuture<KeyCount> result = new CompletableFuture<>();
    submit(() -> {
      try {
        selector.selectNow(); // flushes cancelled keys (and so closes their sockets' descriptors)
        dispatchReady();
        int registered = 0;
        int interested = 0;
        for (SelectionKey key : selector.keys()) {
          if (key.isValid()) {
            registered++;
            if (key.interestOps() != 0) {
              interested++;
            }
          }
        }
        result.complete(new KeyCount(registered, interested));
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /** @return {@code {registered, interested}} of {@link #keyCount()} (for this package's tests) */
  CompletableFuture<int[]> counts() {
    return keyCount().thenApply(c -> new int[] {c.registered(), c.interested()});
  }

  /** @return how many times the selector was woken by another thread (for tests) */
  int wakeups() {
    return wakeups.get();
  }

  /** @return whether the selecting thread announced a blocking select (for tests) */
  boolean selecting() {
    return (int) STATE.getVolatile(this) == SELECTING;
  }

  @Override
  public String toString() {
    return "IoDriver[" + name + (closed ? ", closed]" : "]");
  }
}
