// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Wakes waiting tasks without passing a value: tokio's {@code Notify}. {@link #notifyOne()} wakes
 * the first waiter, or, if none waits, leaves a permit the next {@link #notified()} takes at once;
 * {@link #notifyWaiters()} wakes every current waiter and leaves no permit.
 *
 * <p>Cancel safety: a {@code notified} abandoned after it was chosen by {@code notifyOne} passes
 * the notification on to the next waiter.
 */
public final class Notify {

  /** Waiting futures, first come first served. Guarded by this. */
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  /** A notifyOne that found nobody waiting. Guarded by this. */
  private boolean permit;

  /** Wakes the first waiter, or stores one permit if none waits. */
  public void notifyOne() {
    Waker w = null;
    synchronized (this) {
      Waiter first = waiters.pollFirst();
      if (first == null) {
        permit = true;
      } else {
        first.queued = false;
        first.granted = true;
        w = first.waker;
      }
    }
    if (w != null) {
      w.wake();
    }
  }

  /** Wakes every waiter now waiting; stores nothing for later ones. */
  public void notifyWaiters() {
    List<Waker> wake = Waiter.collector();
    synchronized (this) {
      for (Waiter w : waiters) {
        w.queued = false;
        w.granted = true;
        wake.add(w.waker);
      }
      waiters.clear();
    }
    Waiter.wakeAll(wake);
  }

  /** @return a future ready once this is notified */
  public Future<Void> notified() {
    return new Notified();
  }

  /** A wait for a notification. */
  private final class Notified implements Future<Void>, Droppable {
    private final Waiter waiter = new Waiter(1);
    private boolean done;

    @Override
    public Poll<Void> poll(Context cx) {
      synchronized (Notify.this) {
        if (waiter.granted) {
          done = true;
          return Poll.ready(null);
        }
        if (!waiter.queued && permit) {
          permit = false;
          done = true;
          return Poll.ready(null);
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
      boolean passOn;
      synchronized (Notify.this) {
        if (done) {
          return;
        }
        done = true;
        if (waiter.queued) {
          waiters.remove(waiter);
          waiter.queued = false;
        }
        passOn = waiter.granted;
        waiter.granted = false;
      }
      if (passOn) {
        notifyOne();
      }
    }
  }
}
