// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Futures that are pending until a {@link Later.Driver} completes them, one per poll, so every await
 * of them really suspends and resumes. Single-threaded and deterministic.
 */
final class Later<T> implements Future<T> {

  /** Drives a future to completion, completing the pending {@link Later}s one at a time. */
  static final class Driver {
    private final Deque<Later<?>> waiting = new ArrayDeque<>();
    private int wakes;
    private final Context cx = Context.from(() -> wakes++);

    /** How many polls returned pending in the last {@link #run}. */
    int suspensions;

    /** @return a future of {@code value} that is pending until this driver completes it */
    <T> Later<T> of(T value) {
      return new Later<>(this, value, null);
    }

    /** @return a future that fails with {@code failure} once this driver completes it */
    <T> Later<T> failing(Throwable failure) {
      return new Later<>(this, null, failure);
    }

    /** Polls {@code future} until it is ready, completing one pending future between polls. */
    <T> T run(Future<T> future) {
      suspensions = 0;
      while (true) {
        int wakesBefore = wakes;
        Poll<T> poll = future.poll(cx);
        if (poll.isReady()) {
          return poll.get();
        }
        suspensions++;
        Later<?> next = waiting.poll();
        if (next == null) {
          throw new AssertionError("pending, but nothing left to complete: a lost wake-up");
        }
        next.complete();
        if (wakes == wakesBefore) {
          throw new AssertionError("completing the awaited future did not wake the task");
        }
      }
    }
  }

  private final Driver driver;
  private final T value;
  private final Throwable failure;
  private boolean done;
  private boolean registered;
  private Waker waker;

  private Later(Driver driver, T value, Throwable failure) {
    this.driver = driver;
    this.value = value;
    this.failure = failure;
  }

  @Override
  public Poll<T> poll(Context cx) {
    if (done) {
      if (failure != null) {
        throw Wakers.sneaky(failure);
      }
      return Poll.ready(value);
    }
    waker = cx.waker();
    if (!registered) {
      registered = true;
      driver.waiting.add(this);
    }
    return Poll.pending();
  }

  private void complete() {
    done = true;
    waker.wake();
  }
}
