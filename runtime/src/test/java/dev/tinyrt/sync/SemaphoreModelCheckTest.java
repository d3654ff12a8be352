// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two tasks acquiring, releasing and abandoning a one-permit semaphore. Never
 * two holders of the one permit (checked when a permit is taken, on a holder count); and once the
 * scenario ended ({@link #noLostWakeNoStuckWaiterNoLostPermit}): an acquire left pending was woken
 * or cannot go on (no lost wake-up); a woken acquire polled again takes the permit if it is free;
 * no acquire waits while the permit is free; once both tasks gave up, the permit is back and
 * nobody waits.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run (a release that grants the next waiter without waking it) is lost in the
 * sequential runs too. The tasks behave as executors do ({@link WokenTask}): an acquire is polled
 * again only once woken, so no unprompted poll takes the permit a lost wake left granted.
 *
 * <p>Three operations a thread reach both plants below; the first passed until the holder count
 * was added (a double grant nets back to one free permit once both give back, so the end state
 * alone cannot see it). Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=SemaphoreModelCheckTest}, load under 1 on 2 cores; the test's own seconds):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in Semaphore</th><th>without the holder count</th><th>with it</th></tr>
 *   <tr><td>an acquire's first poll sees the permit free in one locked block and takes it in the
 *       next (both tasks take the one permit)</td><td>not caught (6 s)</td><td>caught, 2 runs of
 *       2 (6 s)</td></tr>
 *   <tr><td>a release grants the next waiter without waking it</td><td>caught (when first
 *       planted)</td><td>caught (7 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes</td><td>passes (6 s)</td></tr>
 * </table>
 */
public class SemaphoreModelCheckTest {

  private final Semaphore semaphore = new Semaphore(1);
  private final HolderTask<Semaphore.Permit> a =
      new HolderTask<>("task a's acquire", semaphore::acquire);
  private final HolderTask<Semaphore.Permit> b =
      new HolderTask<>("task b's acquire", semaphore::acquire);

  /** How many tasks hold the one permit now. */
  private final AtomicInteger holders = new AtomicInteger();

  /** Set if a permit was taken while the other task held the only one; read by the validation. */
  private volatile boolean twoHolders;

  private void take(HolderTask<Semaphore.Permit> t) {
    hold(t.take());
  }

  private void hold(Semaphore.Permit p) {
    // Exclusion: the holder count goes 0 -> 1 only.
    if (p != null && holders.incrementAndGet() != 1) {
      twoHolders = true;
    }
  }

  private void giveBack(HolderTask<Semaphore.Permit> t) {
    if (t.held() != null) {
      holders.decrementAndGet();
    }
    t.giveBack();
  }

  /** Task a's turn: a new acquire, or its pending one again if woken; nothing while it holds. */
  @Operation(nonParallelGroup = "a")
  public void acquireA() {
    take(a);
  }

  @Operation(nonParallelGroup = "a")
  public void releaseA() {
    giveBack(a);
  }

  /** Task a abandons its pending acquire (a lost select, a timeout). */
  @Operation(nonParallelGroup = "a")
  public void abandonA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void acquireB() {
    take(b);
  }

  @Operation(nonParallelGroup = "b")
  public void releaseB() {
    giveBack(b);
  }

  @Operation(nonParallelGroup = "b")
  public void abandonB() {
    b.abandon();
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void noLostWakeNoStuckWaiterNoLostPermit() {
    hold(a.settle());
    hold(b.settle());
    if (twoHolders) {
      throw new AssertionError("both tasks held the semaphore's one permit at once");
    }
    if (semaphore.available() > 0 && semaphore.waiterCount() > 0) {
      throw new AssertionError("an acquire waits while the permit is free (a release granted "
          + "nobody?)");
    }
    a.abandon();
    b.abandon();
    giveBack(a);
    giveBack(b);
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
