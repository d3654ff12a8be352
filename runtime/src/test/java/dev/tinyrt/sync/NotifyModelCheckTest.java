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
 * Lincheck explores two tasks waiting on and abandoning {@code notified()} while notifyOne and
 * notifyWaiters run anywhere. At the end: no waiter left pending without a wake may be ready (no
 * lost wake-up), a permit is stored only if some notifyOne ran, a notifyOne is never lost while
 * a waiter waits, and nobody is left in the queue once both tasks gave up.
 */
public class NotifyModelCheckTest {

  /** One task's notified future and waker. */
  static final class Task {
    /** The pending notified, or null. */
    Future<Void> notified;
    /** The wakes of its waker. */
    final AtomicInteger wakes = new AtomicInteger();
  }

  private final Notify notify = new Notify();
  private final Task a = new Task();
  private final Task b = new Task();

  /** How many notifyOne calls ran. */
  private final AtomicInteger ones = new AtomicInteger();

  String await(Task t) {
    if (t.notified == null) {
      t.notified = notify.notified();
      t.wakes.set(0);
    }
    if (t.notified.poll(Context.from(t.wakes::incrementAndGet)).isPending()) {
      return "pending";
    }
    t.notified = null;
    return "notified";
  }

  String abandon(Task t) {
    if (t.notified == null) {
      return "none";
    }
    ((Droppable) t.notified).drop();
    t.notified = null;
    return "dropped";
  }

  @Operation(nonParallelGroup = "a")
  public String awaitA() {
    return await(a);
  }

  @Operation(nonParallelGroup = "a")
  public String abandonA() {
    return abandon(a);
  }

  @Operation(nonParallelGroup = "b")
  public String awaitB() {
    return await(b);
  }

  @Operation(nonParallelGroup = "b")
  public String abandonB() {
    return abandon(b);
  }

  @Operation
  public void notifyOne() {
    ones.incrementAndGet();
    notify.notifyOne();
  }

  @Operation
  public void notifyWaiters() {
    notify.notifyWaiters();
  }

  /** Checked once all operations finished. */
  @Validate
  public void noLostWakeUpNoInventedPermit() {
    for (Task t : new Task[] {a, b}) {
      if (t.notified != null && t.wakes.get() == 0
          && t.notified.poll(Context.from(t.wakes::incrementAndGet)).isReady()) {
        throw new AssertionError("a waiter was notified but never woken");
      }
    }
    if (notify.hasPermit() && ones.get() == 0) {
      throw new AssertionError("a permit is stored though notifyOne never ran");
    }
    if (notify.hasPermit() && notify.waiterCount() > 0) {
      throw new AssertionError("a permit is stored while a waiter waits");
    }
    for (Task t : new Task[] {a, b}) {
      abandon(t);
    }
    if (notify.waiterCount() != 0) {
      throw new AssertionError("waiters left in the queue after both tasks gave up");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(NotifyModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        // Short init and post parts: the default five actors each almost always add a send (or a
        // notifyOne) after every wait, which hides a waiter left queued (or a permit invented).
        .actorsBefore(1)
        .actorsAfter(1)
        .threads(2)
        .actorsPerThread(3));
  }
}
