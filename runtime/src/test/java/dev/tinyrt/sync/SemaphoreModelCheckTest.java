// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two tasks acquiring, releasing and abandoning a one-permit semaphore. Checked
 * once the scenario ended ({@link #noLostWakeNoStuckWaiterNoLostPermit}): an acquire left pending
 * was woken or cannot go on (no lost wake-up); a woken acquire polled again takes the permit if it
 * is free; no acquire waits while the permit is free; once both tasks gave up, the permit is back
 * and nobody waits.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run (a release that grants the next waiter without waking it) is lost in the
 * sequential runs too. The tasks behave as executors do ({@link WokenTask}): an acquire is polled
 * again only once woken, so no unprompted poll takes the permit a lost wake left granted.
 */
public class SemaphoreModelCheckTest {

  private final Semaphore semaphore = new Semaphore(1);
  private final HolderTask<Semaphore.Permit> a =
      new HolderTask<>("task a's acquire", semaphore::acquire);
  private final HolderTask<Semaphore.Permit> b =
      new HolderTask<>("task b's acquire", semaphore::acquire);

  /** Task a's turn: a new acquire, or its pending one again if woken; nothing while it holds. */
  @Operation(nonParallelGroup = "a")
  public void acquireA() {
    a.take();
  }

  @Operation(nonParallelGroup = "a")
  public void releaseA() {
    a.giveBack();
  }

  /** Task a abandons its pending acquire (a lost select, a timeout). */
  @Operation(nonParallelGroup = "a")
  public void abandonA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void acquireB() {
    b.take();
  }

  @Operation(nonParallelGroup = "b")
  public void releaseB() {
    b.giveBack();
  }

  @Operation(nonParallelGroup = "b")
  public void abandonB() {
    b.abandon();
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void noLostWakeNoStuckWaiterNoLostPermit() {
    a.settle();
    b.settle();
    if (semaphore.available() > 0 && semaphore.waiterCount() > 0) {
      throw new AssertionError("an acquire waits while the permit is free (a release granted "
          + "nobody?)");
    }
    a.leave();
    b.leave();
    if (semaphore.available() != 1 || semaphore.waiterCount() != 0) {
      throw new AssertionError("after both tasks gave up: " + semaphore.available()
          + " permits free (1 expected), " + semaphore.waiterCount() + " acquires waiting");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(SemaphoreModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 150)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
