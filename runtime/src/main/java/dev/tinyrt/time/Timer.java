// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The timer driver: one heap of sleeps, ordered by deadline, and one way to fire them. {@link
 * #system()} has one daemon thread that parks until the next deadline, for the whole JVM; {@link
 * #manual(ManualClock)} has none, its sleeps fire when the test advances the clock. No thread per
 * timer, ever.
 *
 * <pre>{@code
 * Timer timer = Timer.system();
 * await(timer.sleep(Duration.ofMillis(200)));
 * String page = await(timer.timeout(fetch(url), Duration.ofSeconds(2)));   // or Elapsed
 * }</pre>
 */
public final class Timer {

  /** The JVM's system timer, made on first use. */
  private static volatile Timer system;

  /** The clock deadlines are read on. */
  private final Clock clock;

  /** Pending sleeps, earliest first. Guarded by {@link #lock}. */
  private final PriorityQueue<Sleep> heap = new PriorityQueue<>(
      Comparator.comparingLong((Sleep s) -> s.deadline).thenComparingLong(s -> s.sequence));

  /** Insertion counter for equal deadlines. Guarded by {@link #lock}. */
  private long sequence;

  private final ReentrantLock lock = new ReentrantLock();

  /** Signals the driver thread that an earlier deadline arrived. */
  private final Condition changed = lock.newCondition();

  /** Whether a driver thread serves this timer (the system timer). */
  private final boolean driven;

  private Timer(Clock clock, boolean driven) {
    this.clock = clock;
    this.driven = driven;
  }

  /** @return the JVM-wide timer on the system clock, with its one driver thread */
  public static Timer system() {
    Timer t = system;
    if (t == null) {
      synchronized (Timer.class) {
        t = system;
        if (t == null) {
          t = new Timer(Clock.system(), true);
          Thread driver = new Thread(t::drive, "tinyrt-timer");
          driver.setDaemon(true);
          driver.start();
          system = t;
        }
      }
    }
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
   * Returns a future ready once {@code duration} has passed from now.
   *
   * @param duration how long, not negative
   * @return a new future
   */
  public Future<Void> sleep(Duration duration) {
    return new Sleep(this, clock.nanoTime() + duration.toNanos());
  }

  /**
   * Returns a future ready once this timer's clock reads {@code deadlineNanos}.
   *
   * @param deadlineNanos a time of {@link #clock()}
   * @return a new future
   */
  public Future<Void> sleepUntil(long deadlineNanos) {
    return new Sleep(this, deadlineNanos);
  }

  /**
   * Returns a future of {@code future}'s value that throws {@link Elapsed} if it is not ready
   * within {@code duration}; {@code future} is then abandoned (an async method unwinds).
   *
   * @param future the future
   * @param duration the limit
   * @param <T> its value type
   * @return a new future
   */
  public <T> Future<T> timeout(Future<T> future, Duration duration) {
    return new Timeout<>(Objects.requireNonNull(future), sleep(duration), duration);
  }

  /**
   * Returns an interval whose first tick is now, then every {@code period}.
   *
   * @param period the period, positive
   * @param missed what to do with missed ticks
   * @return a new interval
   */
  public Interval interval(Duration period, MissedTicks missed) {
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("an interval's period must be positive: " + period);
    }
    return new Interval(this, clock.nanoTime(), period.toNanos(), missed);
  }

  void add(Sleep sleep) {
    lock.lock();
    try {
      sleep.sequence = sequence++;
      heap.add(sleep);
      // Wake the driver only if this deadline is the new earliest.
      if (driven && heap.peek() == sleep) {
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
    if (!driven && clock.nanoTime() - sleep.deadline >= 0) {
      fireDue(); // a manual clock already past the deadline
    }
  }

  /** Fires every sleep that is due, on this thread; the wakes happen outside the lock. */
  void fireDue() {
    List<Sleep> due = new ArrayList<>();
    lock.lock();
    try {
      long now = clock.nanoTime();
      while (!heap.isEmpty() && now - heap.peek().deadline >= 0) {
        due.add(heap.poll());
      }
    } finally {
      lock.unlock();
    }
    for (Sleep s : due) {
      if (!s.dropped) {
        s.fire();
      }
    }
  }

  /** The system timer's thread: fire what is due, park until the next deadline. */
  private void drive() {
    while (true) {
      fireDue();
      lock.lock();
      try {
        Sleep next = heap.peek();
        if (next == null) {
          changed.await();
        } else {
          long wait = next.deadline - clock.nanoTime();
          if (wait > 0) {
            changed.awaitNanos(wait);
          }
        }
      } catch (InterruptedException e) {
        return; // nobody interrupts this daemon thread but to stop it
      } finally {
        lock.unlock();
      }
    }
  }

  /** @return how many sleeps wait in the heap (dropped ones included until due) */
  public int pending() {
    lock.lock();
    try {
      return heap.size();
    } finally {
      lock.unlock();
    }
  }
}
