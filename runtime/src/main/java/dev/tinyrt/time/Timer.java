// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Future;
import dev.tinyrt.internal.Nanos;
import dev.tinyrt.internal.RuntimeThreads;
import java.time.Duration;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The timer driver: one heap of sleeps, ordered by deadline, and one way to fire them. {@link
 * #system()} has one daemon thread that parks until the next deadline, for the whole JVM; {@link
 * #manual(ManualClock)} has none, its sleeps fire when the test advances the clock. No thread per
 * timer, ever.
 *
 * <p>A sleep is in the heap only while someone waits for it: dropping it, or finding it due, takes
 * it out at once, so {@link #pending()} is exact and an abandoned sleep keeps nothing (its waker,
 * hence its task) alive until its deadline. The timer survives its wakers: a wake that throws,
 * which breaks the waker's contract, is logged and the timer goes on firing.
 *
 * <pre>{@code
 * Timer timer = Timer.system();
 * await(timer.sleep(Duration.ofMillis(200)));
 * String page = await(timer.timeout(fetch(url), Duration.ofSeconds(2)));   // or Elapsed
 * }</pre>
 */
public final class Timer {

  /** The clock deadlines are read on. */
  private final Clock clock;

  /** Pending sleeps, earliest first. Guarded by {@link #lock}. */
  private final SleepHeap heap = new SleepHeap();

  /** Guards {@link #heap}; never held while a waker is woken. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Signals the driver thread that an earlier deadline arrived. */
  private final Condition changed = lock.newCondition();

  /** Whether a driver thread serves this timer (the system timer). */
  private final boolean driven;

  /**
   * Whether the driver thread waits on {@link #changed}; when it does not, it reads the heap before
   * it next waits, and an added sleep needs no signal. Guarded by {@link #lock}.
   */
  private boolean driverWaits;

  /**
   * When {@link #driverWaitsForever} is not set, the deadline the driver wakes at by itself at the
   * latest: the heap's earliest when it began to wait, the deadline of a sleep added since that
   * signalled it, or, once that sleep left the heap, still the time it waits for. Guarded by
   * {@link #lock}.
   */
  private long driverWakesAt;

  /** Whether the waiting driver waits with no deadline (the heap was empty). Guarded by lock. */
  private boolean driverWaitsForever;

  /** How many times {@link #add} signalled the driver (for tests). Guarded by {@link #lock}. */
  private long signals;

  /** Set once a waker threw: the first is logged as a warning, the next ones at debug level. */
  private final AtomicBoolean reportedThrowingWaker = new AtomicBoolean();

  private Timer(Clock clock, boolean driven) {
    this.clock = clock;
    this.driven = driven;
  }

  /** @return the JVM-wide timer on the system clock, with its one driver thread */
  public static Timer system() {
    return SystemTimer.INSTANCE;
  }

  /**
   * Holds the system timer, made when first asked for (the JVM initialises this class then, once,
   * thread-safely). A class of its own, so that no static field of {@code Timer} leads from every
   * timer to the system timer's parked thread.
   */
  private static final class SystemTimer {

    /** The JVM's system timer. */
    static final Timer INSTANCE = start();

    private static Timer start() {
      return driven(Clock.system(), "tinyrt-timer", "the JVM-wide timer");
    }
  }

  /**
   * Returns a timer on {@code clock} served by a new driver thread of its own: the system timer,
   * and a test's.
   *
   * @param clock the clock
   * @param name the driver thread's name
   * @param serves what the thread serves, for the refusal of a blocking call on it
   * @return a new timer
   */
  static Timer driven(Clock clock, String name, String serves) {
    Timer t = new Timer(clock, true);
    RuntimeThreads.service(name, serves, t::drive).start();
    return t;
  }

  /**
   * Returns a timer on {@code clock}, whose sleeps fire when the clock is advanced.
   *
   * @param clock the manual clock
   * @return a new timer
   */
  public static Timer manual(ManualClock clock) {
    Timer t = new Timer(Objects.requireNonNull(clock), false);
    clock.attach(t);
    return t;
  }

  /** @return the clock this timer reads */
  public Clock clock() {
    return clock;
  }

  /**
   * Returns a future ready once {@code duration} has passed from now. A zero or negative duration
   * is ready at the first poll; one longer than about 146 years ({@code ChronoUnit.FOREVER}'s, say)
   * never fires.
   *
   * @param duration how long
   * @return a new future
   */
  public Future<Void> sleep(Duration duration) {
    return new Sleep(this, clock.nanoTime() + Nanos.ahead(duration));
  }

  /**
   * Returns a future ready once this timer's clock reads {@code deadlineNanos} (compared as {@link
   * System#nanoTime()} values are: by their difference). A deadline that has passed is ready at the
   * first poll; one more than about 146 years ahead never fires.
   *
   * @param deadlineNanos a time of {@link #clock()}
   * @return a new future
   */
  public Future<Void> sleepUntil(long deadlineNanos) {
    long now = clock.nanoTime();
    long ahead = deadlineNanos - now;
    return new Sleep(this, ahead <= 0 ? now : now + Math.min(ahead, Nanos.MAX_AHEAD));
  }

  /**
   * Returns a future of {@code future}'s value that throws {@link Elapsed} if it is not ready
   * within {@code duration}; {@code future} is then abandoned (an async method unwinds). A {@code
   * Futures.nonCancellable} section given as {@code future} cannot be abandoned: once the deadline
   * passed it is waited for, and its outcome, a value or an exception, is returned or thrown, late,
   * so a message it received is not lost; so is a section's outcome that a combinator given as
   * {@code future} (a select, another timeout) finished with late. Such a timeout does not bound the wait: to bound a
   * receive and lose nothing, time the receive itself (an {@code Mpsc} receive abandoned by a
   * timeout leaves its value in the channel).
   *
   * <p>Each poll looks at the future before the deadline, as tokio's timeout does: a future found
   * ready at the poll that would have found the deadline passed (its task was woken, or polled,
   * late) gives its value, not {@link Elapsed}. The deadline bounds how long the task waits, not
   * when the value came.
   *
   * @param future the future
   * @param duration the limit (zero or negative: elapsed at the first poll unless the future is
   *     ready then; over about 146 years: never elapses)
   * @param <T> its value type
   * @return a new future
   */
  public <T> Future<T> timeout(Future<T> future, Duration duration) {
    return new Timeout<>(Objects.requireNonNull(future), sleep(duration), duration);
  }

  /**
   * Returns an interval whose first tick is now, then every {@code period}.
   *
   * @param period the period, positive (over about 146 years: no tick after the first)
   * @param missed what to do with missed ticks
   * @return a new interval
   */
  public Interval interval(Duration period, MissedTicks missed) {
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("an interval's period must be positive: " + period);
    }
    return new Interval(this, clock.nanoTime(), Nanos.ahead(period), missed);
  }

  /** Puts a sleep that was polled pending for the first time in the heap. */
  void add(Sleep sleep) {
    lock.lock();
    try {
      heap.add(sleep);
      // Wake the driver only if it would wake too late for this deadline by itself. A sleep added
      // again and again for the deadline the driver waits for (an interval's tick lost in each
      // turn of a select, a timeout around each receive that a message beats) costs no signal: a
      // signal each time was a context switch of the timer thread per message.
      if (driven && driverWaits
          && (driverWaitsForever || sleep.deadline - driverWakesAt < 0)) {
        signals++;
        // It wakes at this deadline at the latest from now on, even if this sleep leaves first.
        driverWaitsForever = false;
        driverWakesAt = sleep.deadline;
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
    // A manual clock may have moved past the deadline since the sleep read it, and its fireDue
    // may have run before the add: fire it here, or its wake-up is lost.
    if (!driven && clock.nanoTime() - sleep.deadline >= 0) {
      fireDue();
    }
  }

  /**
   * Takes a sleep out of the heap, if it is there: it was dropped, or found due by its poll. The
   * driver is not signalled: if this was the earliest, it wakes at that deadline, finds nothing
   * due and parks again.
   */
  void remove(Sleep sleep) {
    lock.lock();
    try {
      heap.remove(sleep);
    } finally {
      lock.unlock();
    }
  }

  /** Fires every sleep that is due, on this thread; the wakes happen outside the lock. */
  void fireDue() {
    List<Sleep> due = null;
    lock.lock();
    try {
      long now = clock.nanoTime();
      for (Sleep first = heap.peek(); first != null && now - first.deadline >= 0;
          first = heap.peek()) {
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(heap.poll());
      }
    } finally {
      lock.unlock();
    }
    if (due != null) {
      for (Sleep s : due) {
        try {
          s.fire();
        } catch (Throwable t) {
          reportThrowingWaker(t); // and go on: the other sleeps' tasks still wait for their wakes
        }
      }
    }
  }

  /** The system timer's thread: fire what is due, park until the next deadline; forever. */
  private void drive() {
    while (true) {
      try {
        fireDue();
        lock.lock();
        try {
          Sleep next = heap.peek();
          long now = clock.nanoTime();
          if (next != null) {
            long wait = next.deadline - now;
            if (wait > 0) {
              driverWaitsForever = false;
              driverWakesAt = next.deadline;
              awaitChange(wait);
            }
          } else if (!driverWaitsForever && driverWakesAt - now > 0) {
            // Empty, but the deadline it last waited for (or was signalled for) is still ahead:
            // wait until then. A sleep dropped from the heap is often added again for the same
            // deadline or a later one (a tick lost in each turn of a select, a timeout around
            // each receive): waiting for ever would make each such add a signal. At worst one
            // wake-up finds nothing due.
            awaitChange(driverWakesAt - now);
          } else {
            driverWaitsForever = true;
            awaitChange(0);
          }
        } finally {
          lock.unlock();
        }
      } catch (InterruptedException e) {
        // Every sleep of the JVM depends on this thread: an interrupt does not stop it.
      } catch (Throwable t) {
        reportDriverFailure(t);
      }
    }
  }

  /** @return how many times an added sleep signalled the driver thread (for tests) */
  long signals() {
    lock.lock();
    try {
      return signals;
    } finally {
      lock.unlock();
    }
  }

  /** @return whether the driver thread waits for a signal or its next deadline now (for tests) */
  boolean driverWaits() {
    lock.lock();
    try {
      return driverWaits;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The driver waits for a signal, or {@code nanos} if positive, with {@link #lock} held; while it
   * waits, {@link #add} knows when it wakes by itself.
   */
  private void awaitChange(long nanos) throws InterruptedException {
    driverWaits = true;
    try {
      if (nanos > 0) {
        changed.awaitNanos(nanos);
      } else {
        changed.await();
      }
    } finally {
      driverWaits = false;
    }
  }

  /** Logs a waker that threw: the first one as a warning, with what to fix; later ones at debug. */
  private void reportThrowingWaker(Throwable t) {
    boolean first = reportedThrowingWaker.compareAndSet(false, true);
    try {
      log().log(first ? Level.WARNING : Level.DEBUG,
          "a waker threw when the timer woke a sleep; the timer goes on. Wakes must never throw "
              + "(not after the task finished, nor after its runtime closed): fix the Waker "
              + "implementation"
              + (first ? " (later throwing wakes of this timer are logged at DEBUG level)" : ""),
          t);
    } catch (Throwable ignored) {
      // A failing logger must not stop the timer either.
    }
  }

  /** Logs an unexpected failure of the driver loop, which then goes on. */
  private static void reportDriverFailure(Throwable t) {
    try {
      log().log(Level.ERROR, "the tinyrt-timer thread failed and goes on; please report this", t);
    } catch (Throwable ignored) {
      // A failing logger must not stop the timer either.
    }
  }

  /**
   * @return how many sleeps wait in the heap: exactly those polled pending and not yet fired,
   *     dropped or found due by a poll
   */
  public int pending() {
    lock.lock();
    try {
      return heap.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The one error sink, looked up when something goes wrong rather than kept in a field: nothing
   * on the timer's hot path, and no logger (and its class loader) reachable from a timer.
   */
  private static System.Logger log() {
    return System.getLogger("dev.tinyrt");
  }
}
