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
 * Lincheck explores two tasks locking, unlocking and abandoning lock futures of one mutex: never
 * two holders, no lost wake-up, and the lock is free once both gave up.
 */
public class MutexModelCheckTest {

  /** One task's lock future, guard and waker. */
  static final class Task {
    /** The pending lock, or null. */
    Future<Mutex.Guard<int[]>> lock;
    /** The wakes of the pending lock's waker. */
    final AtomicInteger wakes = new AtomicInteger();
    /** The guard held, or null. */
    Mutex.Guard<int[]> held;
  }

  private final Mutex<int[]> mutex = new Mutex<>(new int[1]);
  private final Task a = new Task();
  private final Task b = new Task();

  String lock(Task t) {
    if (t.held != null) {
      return "holding";
    }
    if (t.lock == null) {
      t.lock = mutex.lock();
      t.wakes.set(0);
    }
    Poll<Mutex.Guard<int[]>> p = t.lock.poll(Context.from(t.wakes::incrementAndGet));
    if (p.isPending()) {
      return "pending";
    }
    t.lock = null;
    t.held = p.get();
    // Mutual exclusion: the holder count goes 0 -> 1 only.
    return ++t.held.get()[0] == 1 ? "locked" : "two holders";
  }

  String unlock(Task t) {
    if (t.held == null) {
      return "none";
    }
    t.held.get()[0]--;
    t.held.close();
    t.held = null;
    return "unlocked";
  }

  String abandon(Task t) {
    if (t.lock == null) {
      return "none";
    }
    ((Droppable) t.lock).drop();
    t.lock = null;
    return "dropped";
  }

  @Operation(nonParallelGroup = "a")
  public String lockA() {
    return lock(a);
  }

  @Operation(nonParallelGroup = "a")
  public String unlockA() {
    return unlock(a);
  }

  @Operation(nonParallelGroup = "a")
  public String abandonA() {
    return abandon(a);
  }

  @Operation(nonParallelGroup = "b")
  public String lockB() {
    return lock(b);
  }

  @Operation(nonParallelGroup = "b")
  public String unlockB() {
    return unlock(b);
  }

  @Operation(nonParallelGroup = "b")
  public String abandonB() {
    return abandon(b);
  }

  /** Checked once all operations finished. */
  @Validate
  public void noLostWakeUpAndTheLockComesBack() {
    for (Task t : new Task[] {a, b}) {
      if (t.lock != null && t.wakes.get() == 0
          && t.lock.poll(Context.from(t.wakes::incrementAndGet)).isReady()) {
        throw new AssertionError("a lock was handed over but its task never woken");
      }
    }
    for (Task t : new Task[] {a, b}) {
      abandon(t);
      unlock(t);
    }
    if (!mutex.isFree() || mutex.waiterCount() != 0) {
      throw new AssertionError("the lock did not come back after both tasks gave up");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(MutexModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 4, /* invocationsPerIteration = */ 150)
        .threads(2)
        .actorsPerThread(3));
  }
}
