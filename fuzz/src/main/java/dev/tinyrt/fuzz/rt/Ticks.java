// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.Future;
import dev.tinyrt.sync.Mutex;
import dev.tinyrt.time.Interval;
import dev.tinyrt.time.MissedTicks;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The program's intervals on the run's manual timer, one per missed-tick policy, each with a lock
 * (an interval ticks for one task at a time), and their ledger: each interval's ticks come in
 * order, never twice, and on its schedule. Public because {@link Interp} is defined by another
 * class loader.
 */
public final class Ticks {

  /** Intervals per program. */
  static final int INTERVALS = 3;

  /** The policies, by interval. */
  private static final MissedTicks[] POLICIES = {MissedTicks.BURST, MissedTicks.SKIP,
      MissedTicks.DELAY};

  /** The periods, by interval, in milliseconds. */
  private static final int[] PERIODS = {7, 11, 5};

  /** The intervals; empty until {@link #start}. */
  private final List<Interval> intervals = new ArrayList<>();

  /** The locks, by interval. */
  private final List<Mutex<Object>> locks = new ArrayList<>();

  /** The scheduled times ticked, by interval, in order. */
  private final List<List<Long>> ticked = new ArrayList<>();

  /** The clock's time when the intervals started, in nanoseconds. */
  private long start;

  /** Violations seen while the program ran. */
  private final List<String> violations = new CopyOnWriteArrayList<>();

  Ticks() {
    for (int i = 0; i < INTERVALS; i++) {
      locks.add(new Mutex<>(null));
      ticked.add(new CopyOnWriteArrayList<>());
    }
  }

  /** @param timer the run's timer: the intervals start now */
  void start(Timer timer) {
    start = timer.clock().nanoTime();
    for (int i = 0; i < INTERVALS; i++) {
      intervals.add(timer.interval(Duration.ofMillis(PERIODS[i]), POLICIES[i]));
    }
  }

  /**
   * @param i which
   * @return a future of interval {@code i}'s lock
   */
  public Future<Mutex.Guard<Object>> lock(int i) {
    return locks.get(i).lock();
  }

  /**
   * @param i which
   * @return interval {@code i}
   * @throws IllegalStateException if the driver did not start the intervals
   */
  public Interval interval(int i) {
    if (intervals.isEmpty()) {
      throw new IllegalStateException("the driver did not start the intervals: call start(timer)");
    }
    return intervals.get(i);
  }

  /**
   * Records a tick of interval {@code i}, checking it against the previous one.
   *
   * @param i which
   * @param at the tick's scheduled time
   */
  public void ticked(int i, long at) {
    List<Long> before = ticked.get(i);
    long period = Duration.ofMillis(PERIODS[i]).toNanos();
    if (!before.isEmpty()) {
      long last = before.get(before.size() - 1);
      if (at - last < period) {
        violations.add("tick: interval i" + i + " (" + POLICIES[i] + ") ticked at " + at
            + " only " + (at - last) + " ns after its tick at " + last + "; its period is "
            + period);
      }
    }
    if (POLICIES[i] != MissedTicks.DELAY && (at - start) % period != 0) {
      violations.add("tick: interval i" + i + " (" + POLICIES[i] + ") ticked at " + at
          + ", off its schedule of every " + period + " ns from " + start);
    }
    before.add(at);
  }

  /**
   * Checks, once every task ended: no lock still queues a waiter.
   *
   * @param found where violations go
   */
  void check(List<String> found) {
    found.addAll(violations);
    for (int i = 0; i < INTERVALS; i++) {
      int n = Registered.count(locks.get(i), "waiterCount");
      if (n != 0) {
        found.add("registered: interval i" + i + "'s lock still queues " + n + " waiter(s)");
      }
    }
  }
}
