// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.ChildFutures;

/**
 * Ticks every period: each {@link #tick()} is a future of the scheduled time of the tick, the first
 * one now. A task that falls behind gets its missed ticks handled by the {@link MissedTicks}
 * policy.
 */
public final class Interval {

  /** The timer whose sleeps wait for the ticks. */
  private final Timer timer;

  /** The period between scheduled ticks, in nanoseconds. */
  private final long period;

  /** What to do with the ticks a late task missed. */
  private final MissedTicks missed;

  /** When the next tick is scheduled, in the timer clock's nanoseconds. */
  private long next;

  Interval(Timer timer, long first, long period, MissedTicks missed) {
    this.timer = timer;
    this.next = first;
    this.period = period;
    this.missed = missed;
  }

  /**
   * Returns a future of the next tick: ready, with the tick's scheduled time, once it is due.
   * Await each tick before asking for the next.
   *
   * @return a new future
   */
  public Future<Long> tick() {
    return new Tick();
  }

  /** Advances the schedule past the tick at {@code scheduled}, seen at {@code now}. */
  private void advance(long scheduled, long now) {
    long following = scheduled + period;
    if (now - following < 0) {
      next = following; // on time
      return;
    }
    switch (missed) {
      case BURST -> next = following;
      case DELAY -> next = now + period;
      case SKIP -> next = following + ((now - following) / period + 1) * period;
      default -> throw new AssertionError(missed);
    }
  }

  /**
   * One tick: ready when the clock reaches the scheduled time. Abandoned, it drops its sleep, which
   * leaves the timer at once; the schedule does not move, so the next tick is the same one.
   */
  private final class Tick implements Future<Long>, Droppable {

    /** The sleep until the scheduled time, made on the first poll that finds the tick early. */
    private Sleep sleep;

    /** The scheduled time {@link #sleep} was made for. */
    private long sleptFor;

    /** Set once this tick returned: polled again it would silently be the next tick. */
    private boolean done;

    /** For task dumps: when the tick is due, e.g. {@code Interval tick, due in 8 ms}. */
    @Override
    public String toString() {
      return "Interval tick, " + Sleep.dueIn(timer, next);
    }

    @Override
    public Poll<Long> poll(Context cx) {
      ChildFutures.refusePollAfterCompletion(done, "Interval.tick()");
      long scheduled = next;
      long now = timer.clock().nanoTime();
      if (now - scheduled < 0) {
        if (sleep != null && sleptFor != scheduled) {
          // The schedule moved since this tick's sleep was made (another tick of the interval
          // returned meanwhile): sleep until the time this tick now stands for.
          sleep.drop();
          sleep = null;
        }
        if (sleep == null) {
          sleep = (Sleep) timer.sleepUntil(scheduled);
          sleptFor = scheduled;
        }
        if (sleep.poll(cx).isPending()) {
          return Poll.pending();
        }
        now = timer.clock().nanoTime();
      }
      advance(scheduled, now);
      done = true;
      return Poll.ready(scheduled);
    }

    @Override
    public void drop() {
      if (sleep != null) {
        sleep.drop();
      }
    }
  }
}
