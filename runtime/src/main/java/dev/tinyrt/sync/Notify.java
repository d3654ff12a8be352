// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.CallSite;
import dev.tinyrt.Waker;

/**
 * Wakes waiting tasks without passing a value: tokio's {@code Notify}. {@link #notifyOne()} wakes
 * the first waiter, or, if none waits, leaves a permit the next {@link #notified()} takes at once;
 * {@link #notifyWaiters()} wakes every current waiter and leaves no permit.
 *
 * <p>Cancel safety: a {@code notified} abandoned ({@link Droppable#drop()}) while waiting leaves
 * the queue; abandoned after {@code notifyOne} chose it, it passes that notification on (to the
 * next waiter, or as the stored permit); abandoned after {@code notifyWaiters} woke it, it passes
 * nothing on, since that call promised nothing to later waiters.
 */
public final class Notify {

  /** The grant of {@link #notifyOne()}: passed on if abandoned. */
  private static final int ONE = 1;

  /** The grant of {@link #notifyWaiters()}: not passed on. */
  private static final int ALL = 2;

  /** Waiting futures, first come first served. Guarded by this. */
  private final WaitQueue waiters = new WaitQueue();

  /** A notifyOne that found nobody waiting. Guarded by this. */
  private boolean permit;

  /** Wakes the first waiter, or stores one permit if none waits. */
  public void notifyOne() {
    Waker w;
    synchronized (this) {
      w = notifyOneLocked();
    }
    WakeList.wake(w);
  }

  /** Grants the first waiter a notify-one, or stores the permit. Lock held. */
  private Waker notifyOneLocked() {
    if (waiters.isEmpty()) {
      permit = true;
      return null;
    }
    return waiters.grantFirst(ONE);
  }

  /** Wakes every waiter now waiting; stores nothing for later ones. */
  public void notifyWaiters() {
    WakeList wake = new WakeList();
    synchronized (this) {
      waiters.grantAll(ALL, wake);
    }
    wake.wakeAll();
  }

  /** @return a future ready once this is notified; it takes nothing before its first poll */
  public Future<Void> notified() {
    return new Notified();
  }

  /** @return how many futures wait in the queue (for leak tests) */
  synchronized int waiterCount() {
    return waiters.size();
  }

  /** @return whether a notifyOne permit is stored (for tests) */
  synchronized boolean hasPermit() {
    return permit;
  }

  /** A wait for a notification, its own node in the wait queue. */
  private final class Notified extends WaitNode implements Future<Void>, Droppable {

    /** For task dumps: the notify it waits on. */
    @Override
    public String toString() {
      return "Notify.notified() on Notify@"
          + Integer.toHexString(System.identityHashCode(Notify.this));
    }

    @Override
    public Poll<Void> poll(Context cx) {
      synchronized (Notify.this) {
        if (isDone()) {
          throw new IllegalStateException(CallSite.withUserCode(
              "polled a Notify.notified() after it completed", "in")
              + ": call notified() again to wait again");
        }
        if (isGranted()) {
          consumeGrant();
          return Poll.readyNull();
        }
        if (!isQueued() && permit) {
          permit = false;
          finish();
          return Poll.readyNull();
        }
        waiters.park(this, cx.waker());
        return Poll.pending();
      }
    }

    @Override
    public void drop() {
      Waker w = null;
      synchronized (Notify.this) {
        if (waiters.abandon(this) == ONE) {
          // A notifyOne chose this waiter: the notification is not lost, it moves on.
          w = notifyOneLocked();
        }
      }
      WakeList.wake(w);
    }
  }
}
