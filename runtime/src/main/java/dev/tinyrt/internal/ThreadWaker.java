// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import dev.tinyrt.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A waker that unparks one thread: the waker of a future some thread drives by polling and
 * parking ({@code Async.blockOn}, a current-thread runtime's {@code blockOn}).
 */
public final class ThreadWaker implements Waker {

  private static final VarHandle NOTIFIED;

  static {
    try {
      NOTIFIED = MethodHandles.lookup().findVarHandle(ThreadWaker.class, "notified", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The thread that polls the future and parks between polls. */
  private final Thread thread;

  /** Set by {@link #wake()}, cleared by the polling thread before it polls again. */
  @SuppressWarnings("unused") // accessed through NOTIFIED
  private volatile boolean notified;

  /** How to wake the thread if not with {@code LockSupport.unpark} (a selecting thread), or null. */
  private final Runnable unpark;

  /**
   * Creates a waker for {@code thread}.
   *
   * @param thread the thread that polls and parks
   * @param notified whether it starts woken (so the first check polls at once)
   */
  public ThreadWaker(Thread thread, boolean notified) {
    this(thread, null, notified);
  }

  /**
   * Creates a waker for {@code thread}, which waits by other means than {@code LockSupport.park}.
   *
   * @param thread the thread that polls and waits
   * @param unpark wakes the thread, or makes its next wait return at once; or null to unpark it
   * @param notified whether it starts woken (so the first check polls at once)
   */
  public ThreadWaker(Thread thread, Runnable unpark, boolean notified) {
    this.thread = thread;
    this.unpark = unpark;
    this.notified = notified;
  }

  @Override
  public void wake() {
    // Ordering: the volatile set happens-before the polling thread's successful CAS in
    // takeNotification, so whatever the waker's caller wrote before wake() is visible to the poll.
    // If the flag was already set, the thread has a wake pending and unparking again is useless.
    if (!(boolean) NOTIFIED.getAndSet(this, true)) {
      if (unpark == null) {
        LockSupport.unpark(thread);
      } else {
        unpark.run();
      }
    }
  }

  /** @return whether a wake arrived since the last call; clears it */
  public boolean takeNotification() {
    return notified && NOTIFIED.compareAndSet(this, true, false);
  }

  @Override
  public String toString() {
    return "ThreadWaker[" + thread.getName() + "]";
  }
}
