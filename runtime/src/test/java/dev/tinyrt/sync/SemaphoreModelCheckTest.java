// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two tasks acquiring, releasing and abandoning a one-permit semaphore. Each
 * outcome must match a sequential run; at the end no acquire left pending without a wake may be
 * ready (no lost wake-up), no waiter may wait while the permit is free, and once every task gave
 * up, the permit is back.
 */
public class SemaphoreModelCheckTest {

  /** One task's acquire, permit and waker. */
  static final class Task {
    /** The pending acquire, or null. */
    Future<Semaphore.Permit> acquire;
    /** The wakes of the pending acquire's waker. */
    final AtomicInteger wakes = new AtomicInteger();
    /** The permit held, or null. */
    Semaphore.Permit held;
  }

  private final Semaphore semaphore = new Semaphore(1);
  private final Task a = new Task();
  private final Task b = new Task();

  String acquire(Task t) {
    if (t.held != null) {
      return "holding";
    }
    if (t.acquire == null) {
      t.acquire = semaphore.acquire();
      t.wakes.set(0);
    }
    Poll<Semaphore.Permit> p = t.acquire.poll(Context.from(t.wakes::incrementAndGet));
    if (p.isPending()) {
      return "pending";
    }
    t.acquire = null;
    t.held = p.get();
    return "acquired";
  }

  String release(Task t) {
    if (t.held == null) {
      return "none";
    }
    t.held.close();
    t.held = null;
    return "released";
  }

  String abandon(Task t) {
    if (t.acquire == null) {
      return "none";
    }
    ((Droppable) t.acquire).drop();
    t.acquire = null;
    return "dropped";
  }

  @Operation(nonParallelGroup = "a")
  public String acquireA() {
    return acquire(a);
  }

  @Operation(nonParallelGroup = "a")
  public String releaseA() {
    return release(a);
  }

  @Operation(nonParallelGroup = "a")
  public String abandonA() {
    return abandon(a);
  }

  @Operation(nonParallelGroup = "b")
  public String acquireB() {
    return acquire(b);
  }

  @Operation(nonParallelGroup = "b")
  public String releaseB() {
    return release(b);
  }

  @Operation(nonParallelGroup = "b")
  public String abandonB() {
    return abandon(b);
  }

  /** Checked once all operations finished. */
  @Validate
  public void noLostWakeUpNoStuckWaiterNoLostPermit() {
    if (semaphore.available() > 0 && semaphore.waiterCount() > 0) {
      throw new AssertionError("a waiter waits while a permit is free");
    }
    for (Task t : new Task[] {a, b}) {
      if (t.acquire != null && t.wakes.get() == 0
          && t.acquire.poll(Context.from(t.wakes::incrementAndGet)).isReady()) {
        throw new AssertionError("an acquire was granted but never woken");
      }
    }
    for (Task t : new Task[] {a, b}) {
      if (t.acquire != null) {
        ((Droppable) t.acquire).drop();
        t.acquire = null;
      }
      release(t);
    }
    if (semaphore.available() != 1 || semaphore.waiterCount() != 0) {
      throw new AssertionError("after everyone left: " + semaphore.available() + " permits, "
          + semaphore.waiterCount() + " waiters");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(SemaphoreModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 150)
        .threads(2)
        .actorsPerThread(3));
  }
}
