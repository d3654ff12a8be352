// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two receivers waiting for changes and abandoning the wait while values are
 * sent and the channel closed from anywhere. Checked once the scenario ended ({@link
 * #noLostWakeNothingLeftQueued}): a wait left pending was woken or cannot go on (no lost wake-up:
 * a send or a close that forgets a waiter); a woken wait polled again finishes; no wait stays
 * queued once abandoned.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too. The tasks behave as executors do ({@link
 * WokenTask}): a wait is polled again only once woken, so no unprompted poll finds the new value a
 * lost wake left unannounced.
 *
 * <p>One operation a thread first, then two: with three (8 x 50) the random scenarios never
 * reached a wait that checks the version in one locked block and parks in the next (a send in
 * between bumps the version and wakes nobody); with one a thread, a wait beside a send is the
 * whole scenario. Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=WatchModelCheckTest}, load under 1 on 2 cores; the test's own seconds):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in Watch</th><th>3 actors a thread</th><th>1, then 2 a thread</th></tr>
 *   <tr><td>changed() checks the version in one locked block and parks in the next</td>
 *       <td>not caught, 2 runs of 2 (4 s)</td><td>caught, 2 runs of 2 (3 s)</td></tr>
 *   <tr><td>a send grants the waits but wakes nobody</td><td>-</td><td>caught (3 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes</td><td>passes (6 s)</td></tr>
 * </table>
 */
public class WatchModelCheckTest {

  private final Watch.Sender<Integer> sender;
  private final WokenTask<Integer> a;
  private final WokenTask<Integer> b;

  /**
   * Never polled, so it changes nothing: Lincheck instruments the classes of the objects reachable
   * from the test, and without one the future's class ran unmodelled, its monitor ignored (a false
   * lost wake-up: a send ran in the middle of its synchronized poll).
   */
  private final Object unpolled;

  /** A fresh channel for each scenario; no record in a field (Lincheck cannot read them). */
  public WatchModelCheckTest() {
    Watch.Channel<Integer> channel = Watch.channel(0);
    sender = channel.sender();
    Watch.Receiver<Integer> ra = channel.receiver();
    Watch.Receiver<Integer> rb = sender.subscribe();
    a = new WokenTask<>("task a's changed()", ra::changed);
    b = new WokenTask<>("task b's changed()", rb::changed);
    unpolled = ra.changed();
  }

  /** A task's turn: a new wait, or its pending one again if woken; closed ends a wait too. */
  private static void changed(WokenTask<Integer> t) {
    try {
      t.turn();
    } catch (ChannelClosedException closed) {
      // The wait finished: the sender closed.
    }
  }

  @Operation(nonParallelGroup = "a")
  public void changedA() {
    changed(a);
  }

  /** Task a abandons its pending wait (a lost select, a timeout). */
  @Operation(nonParallelGroup = "a")
  public void abandonA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void changedB() {
    changed(b);
  }

  @Operation(nonParallelGroup = "b")
  public void abandonB() {
    b.abandon();
  }

  @Operation
  public void send(int v) {
    try {
      sender.send(v);
    } catch (IllegalStateException sendAfterClose) {
      // The sender was closed: nothing was sent.
    }
  }

  @Operation
  public void close() {
    sender.close();
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void noLostWakeNothingLeftQueued() {
    a.settle(ChannelClosedException.class); // woken by the close: finished
    b.settle(ChannelClosedException.class);
    if (sender.waitingReceives() != 0) {
      throw new AssertionError("waits left queued after they were abandoned");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(WatchModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(1)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
    LinChecker.check(WatchModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 8, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(2)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
