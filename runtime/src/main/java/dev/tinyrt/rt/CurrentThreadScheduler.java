// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A current-thread runtime's scheduler: one queue, drained by whichever thread drives the runtime
 * ({@code blockOn}, or {@code close} while it waits for tasks). A wake from any thread enqueues the
 * task and unparks the driver; an unpark that comes before the park is kept by the thread's permit.
 *
 * <p>The queue is two array deques swapped under a lock, so queueing a task allocates nothing
 * (a linked queue's node per wake would stay behind, 24 bytes a task, where parked tasks count).
 */
final class CurrentThreadScheduler implements Scheduler {

  /** Tasks woken since the driver last took the queue, in wake order. Guarded by this. */
  private ArrayDeque<Task<?>> incoming = new ArrayDeque<>();

  /** The tasks the driver took and runs now, in order. Only the driver touches it. */
  private ArrayDeque<Task<?>> taken = new ArrayDeque<>();

  /** The thread driving the runtime, if any. */
  private volatile Thread driver;

  /** Set by the driver just before it parks, so wakes unpark it only when it may be parked. */
  private volatile boolean parked;

  @Override
  public void schedule(Task<?> task) {
    synchronized (this) {
      incoming.addLast(task);
    }
    // Ordering: the driver sets parked, then looks at the queue under the lock; we added under the
    // lock, then read parked. Either it sees our task, or we see it parked and unpark it.
    if (parked) {
      Thread d = driver;
      if (d != null) {
        LockSupport.unpark(d);
      }
    }
  }

  /**
   * Runs tasks on this thread until {@code done} says so or the deadline passes, parking while
   * there is nothing to run. Whatever {@code done} waits for must unpark this thread when it
   * changes. An interrupt does not stop it; the interrupt status is kept.
   *
   * @param done checked before each task and after each unpark
   * @param deadlineNanos a {@code System.nanoTime()} deadline, or {@code Long.MAX_VALUE}
   * @return whether {@code done} became true
   */
  boolean drive(BooleanSupplier done, long deadlineNanos) {
    Thread self = Thread.currentThread();
    if (driver != null) {
      throw new IllegalStateException(
          "this current-thread runtime is already driven by " + driver.getName()
              + " (blockOn inside blockOn?): await the future instead of blocking on it");
    }
    driver = self;
    boolean interrupted = false;
    try {
      while (true) {
        if (done.getAsBoolean()) {
          return true;
        }
        Task<?> task = next();
        if (task != null) {
          task.run();
          continue;
        }
        long left = deadlineNanos - System.nanoTime();
        if (deadlineNanos != Long.MAX_VALUE && left <= 0) {
          return false;
        }
        parked = true;
        // A task queued before this re-check is seen here; one queued after sees parked set and
        // unparks us. Whatever done() waits for unparks this thread itself, which a park after
        // the unpark also notices (the thread's permit).
        if (!isEmpty()) {
          parked = false;
          continue;
        }
        if (deadlineNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, left);
        }
        parked = false;
        // An interrupt would make every later park return at once: clear it, restore it at the end.
        if (Thread.interrupted()) {
          interrupted = true;
        }
      }
    } finally {
      driver = null;
      if (interrupted) {
        self.interrupt();
      }
    }
  }

  /**
   * Runs the next queued task, if any, on this thread (for tests that drive the runtime one step
   * at a time).
   *
   * @return whether a task ran
   */
  boolean runOne() {
    Task<?> task = next();
    if (task == null) {
      return false;
    }
    task.run();
    return true;
  }

  /** @return whether no task is queued */
  synchronized boolean isEmpty() {
    return incoming.isEmpty();
  }

  /** @return the next task to run, or null if none is queued */
  private Task<?> next() {
    Task<?> task = taken.pollFirst();
    if (task == null) {
      synchronized (this) {
        if (incoming.isEmpty()) {
          return null;
        }
        ArrayDeque<Task<?>> swap = taken;
        taken = incoming;
        incoming = swap;
      }
      task = taken.pollFirst();
    }
    return task;
  }

  @Override
  public void stop() {}
}
