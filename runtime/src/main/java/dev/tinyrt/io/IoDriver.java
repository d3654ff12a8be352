// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The I/O driver: one {@link Selector} and one daemon thread ({@code tinyrt-io-N}) that selects
 * and wakes exactly the tasks whose socket became ready. It is its own component, used by any
 * runtime: tasks on a current-thread or a multi-threaded runtime are woken through their wakers,
 * like timer wakes. {@link #system()} is shared by the whole JVM and started on first use; {@link
 * #open()} makes a private one that {@link #close()} stops.
 *
 * <p>How an operation waits (the one protocol, in {@link Registration} and {@link IoOp}):
 *
 * <ol>
 *   <li>The task tries the non-blocking operation first; only if it would block does it store its
 *       waker and add the operation's interest ({@code OP_READ}, {@code OP_WRITE}, ...) to the
 *       channel's registration.
 *   <li>A registration whose interest set changed is queued here once (a flag), and the selector
 *       is woken only if this thread is blocked, or about to block, in {@code select} (the {@link
 *       #selecting} flag, claimed by one CAS so a burst of changes costs one {@code wakeup()}).
 *   <li>This thread applies queued interest sets to the keys before each select; the selector is
 *       level-triggered, so readiness that arrived between the task's try and the key's update is
 *       reported by the next select, never lost.
 *   <li>On readiness it removes the ready operations from the key's interest (no busy loop on a
 *       readable socket nobody reads) and wakes the waker stored for each of them.
 * </ol>
 *
 * <p>The multi-threaded runtime uses this driver thread, as the issue allows. A current-thread
 * runtime that selects on its own thread when it has nothing to run needs a hook in its scheduler
 * and is not built yet; it uses this driver thread too.
 */
public final class IoDriver implements AutoCloseable {

  /** Numbers the driver threads: {@code tinyrt-io-1}, {@code tinyrt-io-2}, ... */
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The JVM-wide driver, made on first use. */
  private static volatile IoDriver system;

  /** The access to {@link #selecting}, for its CAS. */
  private static final VarHandle SELECTING;

  static {
    try {
      SELECTING = MethodHandles.lookup().findVarHandle(IoDriver.class, "selecting", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The selector; only the driver thread selects on it and changes its keys. */
  private final Selector selector;

  /** Work for the driver thread: registrations whose interest changed, and checks from tests. */
  private final ConcurrentLinkedQueue<Runnable> changes = new ConcurrentLinkedQueue<>();

  /** The driver thread. */
  private final Thread thread;

  /** Whether the driver thread is in, or about to enter, a blocking select. Accessed by CAS. */
  @SuppressWarnings("unused") // through SELECTING
  private volatile boolean selecting;

  /** Set by {@link #close()}: the thread ends, and operations that would wait fail. */
  private volatile boolean closed;

  /** How many {@code Selector.wakeup()} calls were made, for tests that check we make few. */
  private final AtomicInteger wakeups = new AtomicInteger();

  private IoDriver() {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("could not open a java.nio Selector for the I/O driver", e);
    }
    this.thread = new Thread(this::drive, "tinyrt-io-" + THREADS.incrementAndGet());
    this.thread.setDaemon(true);
  }

  /** @return the JVM-wide driver, with its one thread, started on first use */
  public static IoDriver system() {
    IoDriver d = system;
    if (d == null) {
      synchronized (IoDriver.class) {
        d = system;
        if (d == null) {
          d = open();
          system = d;
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
    IoDriver d = new IoDriver();
    d.thread.start();
    return d;
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
    if (this == system) {
      throw new IllegalStateException(
          "IoDriver.system() is shared by the whole JVM and cannot be closed: open a private one "
              + "with IoDriver.open() if you need to stop it");
    }
    closed = true;
    selector.wakeup();
  }

  /**
   * Queues {@code change} for the driver thread and wakes the selector if that thread is blocked
   * in it (only the first change after it blocked pays for the {@code wakeup()}).
   *
   * @param change what the driver thread must do before it selects again
   */
  void submit(Runnable change) {
    changes.add(change);
    // Ordering: the queue's volatile add comes before this volatile read; the driver writes
    // SELECTING before it reads the queue. One of us sees the other: either it finds the change
    // before it blocks, or we see it selecting and wake it.
    if ((boolean) SELECTING.getVolatile(this) && SELECTING.compareAndSet(this, true, false)) {
      wakeups.incrementAndGet();
      selector.wakeup();
    }
    // If the driver thread is gone, nobody else will run it: run it here (it sees the driver
    // closed, cancels what it holds, or fails its stage).
    if (closed && !thread.isAlive()) {
      runChanges();
    }
  }

  /**
   * Registers {@code channel} with this driver's selector (on the driver thread, with the given
   * interest) and returns its key; called by {@link Registration} only.
   */
  SelectionKey register(SelectableChannel channel, int ops, Registration registration)
      throws IOException {
    return channel.register(selector, ops, registration);
  }

  /** The driver thread: apply changes, select, wake the ready, until closed. */
  private void drive() {
    try {
      while (!closed) {
        // Apply what other threads asked for.
        runChanges();
        // Block in select unless a change arrived after the drain.
        SELECTING.setVolatile(this, true);
        if (changes.isEmpty() && !closed) {
          selector.select();
        }
        SELECTING.setVolatile(this, false);
        dispatchReady();
      }
    } catch (IOException e) {
      System.getLogger("dev.tinyrt").log(System.Logger.Level.ERROR,
          "the I/O driver's selector failed; tasks waiting on its sockets are woken to fail", e);
    } finally {
      shutDown();
    }
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

  /** Closes the selector and fails every waiting operation. */
  private void shutDown() {
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
    runChanges(); // registrations queued meanwhile see the driver closed
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

  @Override
  public String toString() {
    return "IoDriver[" + thread.getName() + (closed ? ", closed]" : "]");
  }
}
