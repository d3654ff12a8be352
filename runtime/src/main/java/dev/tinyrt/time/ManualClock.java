// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.internal.Nanos;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that moves only when told to: tests advance it, and the timers built on it fire their due
 * sleeps, on the advancing thread, before {@link #advance} returns. No real time passes.
 */
public final class ManualClock implements Clock {

  /** The current time. */
  private volatile long now;

  /** The timers to fire when time moves. */
  private final List<Timer> timers = new CopyOnWriteArrayList<>();

  @Override
  public long nanoTime() {
    return now;
  }

  /**
   * Moves time forward and fires every sleep now due, waking its task. A step is cut to about 146
   * years, as a sleep's length is ({@code ChronoUnit.FOREVER} does not throw); a clock moved past
   * that many years in all fires the sleeps that were "for ever".
   *
   * @param by how far, not negative
   */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go back: " + by);
    }
    synchronized (this) {
      now += Nanos.ahead(by);
    }
    for (Timer timer : timers) {
      timer.fireDue();
    }
  }

  void attach(Timer timer) {
    timers.add(timer);
  }
}
