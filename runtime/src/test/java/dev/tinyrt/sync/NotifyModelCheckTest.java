// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two tasks waiting on and abandoning {@code notified()} while notifyOne and
 * notifyWaiters run anywhere. Checked once the scenario ended ({@link #noLostWakeNoLostPermit}): a
 * wait left pending was woken or cannot go on (no lost wake-up); a woken wait polled again
 * finishes; a permit is stored only if some notifyOne ran, and never while a wait is queued; a
 * notifyOne is not lost (some wait finished or the permit is stored); nobody is left in the queue
 * once both tasks gave up.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too. The tasks behave as executors do ({@link
 * WokenTask}): a wait is polled again only once woken, so no unprompted poll finds the grant a
 * lost wake left.
 *
 * <p>Two operations a thread: with three, 10 scenarios of 50 interleavings never reached the
 * split notifyOne below (its thread switching right after the first locked block, the other
 * thread's first wait queueing before it goes on), though Lincheck 2.39 does switch at every
 * {@code MONITORENTER} (a custom scenario of one notifyOne beside one wait fails on its first
 * scenario); with two a thread the random scenarios are small enough for 50 interleavings to find
 * it. Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=NotifyModelCheckTest}, load 2 to 9 on 2 cores; the test's own seconds):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in Notify</th><th>3 actors a thread</th><th>2 actors a thread</th></tr>
 *   <tr><td>notifyOne reads whether anyone waits in one locked block, stores the permit in the
 *       next</td><td>not caught (15 s)</td><td>caught (5 s)</td></tr>
 *   <tr><td>notifyOne grants the first waiter without waking it</td><td>caught (96 s, load 20)
 *       </td><td>caught (16 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes</td><td>passes (13 s; 5 s on Java 25)</td></tr>
 * </table>
 */
public class NotifyModelCheckTest {

  private final Notify notify = new Notify();
  private final WokenTask<Void> a = new WokenTask<>("task a's notified()", notify::notified);
  private final WokenTask<Void> b = new WokenTask<>("task b's notified()", notify::notified);

  /**
   * Never polled, so it changes nothing: Lincheck instruments the classes of the objects reachable
   * from the test, so the wait future's class is modelled (see {@link WatchModelCheckTest}).
   */
  private final Object unpolled = notify.notified();

  /** How many notifyOne calls ran. */
  private final AtomicInteger ones = new AtomicInteger();

  /** How many waits finished (each task's thread counts its own; read after the scenario). */
  private final AtomicInteger finished = new AtomicInteger();

  private void await(WokenTask<Void> t) {
    if (t.turn() != null) {
      finished.incrementAndGet();
    }
  }

  /** Task a's turn: a new wait, or its pending one again if woken. */
  @Operation(nonParallelGroup = "a")
  public void awaitA() {
    await(a);
  }

  /** Task a abandons its pending wait (a lost select, a timeout). */
  @Operation(nonParallelGroup = "a")
  public void abandonA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void awaitB() {
    await(b);
  }

  @Operation(nonParallelGroup = "b")
  public void abandonB() {
    b.abandon();
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

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void noLostWakeNoLostPermit() {
    for (WokenTask<Void> t : List.of(a, b)) {
      t.assertNoLostWake();
      if (t.assertWokenFinishes() != null) {
        finished.incrementAndGet();
      }
    }
    if (notify.hasPermit() && ones.get() == 0) {
      throw new AssertionError("a permit is stored though notifyOne never ran");
    }
    if (notify.hasPermit() && notify.waiterCount() > 0) {
      throw new AssertionError("a permit is stored while a notified() waits");
    }
    if (ones.get() > 0 && finished.get() == 0 && !notify.hasPermit()) {
      throw new AssertionError("notifyOne ran " + ones.get() + " times, yet no notified() "
          + "finished and no permit is stored: a notification was lost");
    }
    a.abandon();
    b.abandon();
    if (notify.waiterCount() != 0) {
      throw new AssertionError("waits left in the queue after both tasks gave up");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(NotifyModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(2)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
