// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.Grant;
import dev.tinyrt.Waker;
import java.util.ArrayDeque;
import java.util.List;

/**
 * An async counting semaphore, fair: waiters get permits in the order they asked, and a waiter
 * asking for many holds back those behind it (tokio's semaphore).
 *
 * <pre>{@code
 * Semaphore connections = new Semaphore(10);
 * try (Semaphore.Permit p = await(connections.acquire())) {
 *   ... // at most 10 tasks here at once
 * }
 * }</pre>
 *
 * <p>Cancel safety: an {@code acquire} abandoned while waiting gives up its place, and gives back
 * permits it was granted but never returned.
 */
public final class Semaphore {

  /** Permits free now. Guarded by this. */
  private long available;

  /** Waiting acquires, first come first served. Guarded by this. */
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  /**
   * Creates a semaphore.
   *
   * @param permits the permits free at first, not negative
   */
  public Semaphore(long permits) {
    if (permits < 0) {
      throw new IllegalArgumentException("permits cannot be negative: " + permits);
    }
    this.available = permits;
  }

  /** @return a future of one permit */
  public Future<Permit> acquire() {
    return acquire(1);
  }

  /**
   * Returns a future of {@code n} permits, granted together.
   *
   * @param n at least 1
   * @return a new future
   */
  public Future<Permit> acquire(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("acquire at least one permit: " + n);
    }
    return new Acquire(n);
  }

  /**
   * Takes {@code n} permits if they are free now and nobody waits before.
   *
   * @param n at least 1
   * @return the permit, or null
   */
  public synchronized Permit tryAcquire(int n) {
    if (waiters.isEmpty() && available >= n) {
      available -= n;
      return new Permit(n);
    }
    return null;
  }

  /**
   * Adds {@code n} permits (to give back permits taken without a {@link Permit}, or to grow).
   *
   * @param n not negative
   */
  public void release(long n) {
    List<Waker> wake = Waiter.collector();
    synchronized (this) {
      available += n;
      grant(wake);
    }
    Waiter.wakeAll(wake);
  }

  /** @return how many permits are free now */
  public synchronized long available() {
    return available;
  }

  /** Grants permits to the waiters at the head of the queue, in order. Lock held. */
  private void grant(List<Waker> wake) {
    while (!waiters.isEmpty() && available >= waiters.peekFirst().amount) {
      Waiter w = waiters.pollFirst();
      available -= w.amount;
      w.queued = false;
      w.granted = true;
      wake.add(w.waker);
    }
  }

  /** Permits held; {@link #close()} gives them back, once. */
  public final class Permit implements Grant {
    private final int count;
    private boolean released;

    Permit(int count) {
      this.count = count;
    }

    /** @return how many permits this holds */
    public int count() {
      return count;
    }

    /** Gives the permits back; a second call does nothing. */
    @Override
    public void close() {
      synchronized (Semaphore.this) {
        if (released) {
          return;
        }
        released = true;
      }
      release(count);
    }
  }

  /** A pending acquire. */
  private final class Acquire implements Future<Permit>, Droppable {
    private final Waiter waiter;
    private boolean done;

    Acquire(int n) {
      this.waiter = new Waiter(n);
    }

    @Override
    public Poll<Permit> poll(Context cx) {
      synchronized (Semaphore.this) {
        if (done) {
          throw new IllegalStateException("polled a semaphore acquire after it completed");
        }
        if (waiter.granted || (!waiter.queued && waiters.isEmpty() && available >= waiter.amount)) {
          if (!waiter.granted) {
            available -= waiter.amount;
          }
          done = true;
          return Poll.ready(new Permit(waiter.amount));
        }
        waiter.waker = cx.waker();
        if (!waiter.queued) {
          waiter.queued = true;
          waiters.addLast(waiter);
        }
        return Poll.pending();
      }
    }

    @Override
    public void drop() {
      List<Waker> wake = Waiter.collector();
      synchronized (Semaphore.this) {
        if (done) {
          return;
        }
        done = true;
        if (waiter.queued) {
          // Leaving may unblock those behind a large request.
          waiters.remove(waiter);
          waiter.queued = false;
        } else if (waiter.granted) {
          available += waiter.amount;
        }
        grant(wake);
      }
      Waiter.wakeAll(wake);
    }
  }
}
