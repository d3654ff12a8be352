// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.CallSite;
import dev.tinyrt.internal.Grant;

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
 * <p>Cancel safety: an {@code acquire} abandoned ({@link Droppable#drop()}) while waiting gives up
 * its place in O(1), and gives back permits it was granted but never took, which go to the next
 * waiters. Waiters queue on the package's one {@code WaitQueue}.
 */
public final class Semaphore {

  /** The grant code of an acquire given its permits. */
  private static final int PERMITS = 1;

  /** Permits free now. Guarded by this. */
  private long available;

  /** Waiting acquires, first come first served. Guarded by this. */
  private final WaitQueue waiters = new WaitQueue();

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
   * Returns a future of {@code n} permits, granted together. It takes nothing before its first
   * poll.
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
   * @throws IllegalArgumentException if {@code n} is negative, or would take the free permits past
   *     {@code Long.MAX_VALUE}
   */
  public void release(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("release a negative number of permits: " + n);
    }
    add(n, /* saturate = */ false);
  }

  /**
   * Adds {@code n} free permits and grants what they allow. Past {@code Long.MAX_VALUE} the count
   * would wrap negative and no acquire could succeed again: {@link #release} refuses that, and a
   * permit given back (which must not throw in a {@code finally}) stops at the maximum.
   */
  private void add(long n, boolean saturate) {
    WakeList wake = new WakeList();
    synchronized (this) {
      if (n <= Long.MAX_VALUE - available) {
        available += n;
      } else if (saturate) {
        available = Long.MAX_VALUE;
      } else {
        throw new IllegalArgumentException(CallSite.withUserCode("release(" + n + ") would take "
            + "the semaphore past Long.MAX_VALUE free permits (" + available + " are free)", "in")
            + ": release only permits you took, or create it with the count it needs");
      }
      grant(wake);
    }
    wake.wakeAll();
  }

  /** @return how many permits are free now */
  public synchronized long available() {
    return available;
  }

  /** @return how many acquires wait in the queue (for leak tests) */
  synchronized int waiterCount() {
    return waiters.size();
  }

  /** Grants permits to the waiters at the head of the queue, in order. Lock held. */
  private void grant(WakeList wake) {
    for (Acquire first; (first = (Acquire) waiters.peekFirst()) != null
        && available >= first.amount; ) {
      available -= first.amount;
      wake.add(waiters.grant(first, PERMITS));
    }
  }

  /** Permits held; {@link #close()} gives them back, once. */
  public final class Permit implements Grant {

    /** How many permits this holds. */
    private final int count;

    /** Set once the permits went back. Guarded by the semaphore. */
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
      add(count, /* saturate = */ true);
    }
  }

  /**
   * A pending acquire, its own node in the wait queue. Ready with a permit once granted; a
   * newcomer takes free permits directly only if nobody waits before it.
   */
  private final class Acquire extends WaitNode implements Future<Permit>, Droppable {

    /** How many permits it waits for. */
    final int amount;

    Acquire(int amount) {
      this.amount = amount;
    }

    /** For task dumps: what it waits for, e.g. {@code Semaphore.acquire(2) on Semaphore@1b6d}. */
    @Override
    public String toString() {
      return "Semaphore.acquire(" + amount + ") on Semaphore@"
          + Integer.toHexString(System.identityHashCode(Semaphore.this));
    }

    @Override
    public Poll<Permit> poll(Context cx) {
      synchronized (Semaphore.this) {
        if (isDone()) {
          throw new IllegalStateException(CallSite.withUserCode("polled a Semaphore.acquire() "
              + "(or Mutex.lock()) future after it completed", "in") + ": await it once and keep "
              + "its permit (or guard); acquire again (or lock again) for more");
        }
        if (isGranted()) {
          consumeGrant();
          return Poll.ready(new Permit(amount));
        }
        if (!isQueued() && waiters.isEmpty() && available >= amount) {
          available -= amount;
          finish();
          return Poll.ready(new Permit(amount));
        }
        waiters.park(this, cx.waker());
        return Poll.pending();
      }
    }

    @Override
    public void drop() {
      WakeList wake = new WakeList();
      synchronized (Semaphore.this) {
        boolean wasQueued = isQueued();
        if (waiters.abandon(this) == PERMITS) {
          // Granted but never taken: give the permits back.
          // Saturates, as a permit's close does (see add).
          available = available > Long.MAX_VALUE - amount ? Long.MAX_VALUE : available + amount;
          grant(wake);
        } else if (wasQueued) {
          // Leaving may unblock those behind a large request.
          grant(wake);
        }
      }
      wake.wakeAll();
    }
  }
}
