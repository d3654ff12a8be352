// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two subscribers of a one-value broadcast channel receiving and abandoning
 * receives while values are sent (each send after the first overwrites the last, so a receiver
 * lags) and the channel closed from anywhere. Checked once the scenario ended ({@link
 * #noLostWakeNothingLeftQueued}): a receive left pending was woken or cannot go on (no lost
 * wake-up); a woken receive polled again finishes (a value, lagged, or closed); no receive stays
 * queued once abandoned.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too. The tasks behave as executors do ({@link
 * WokenTask}): a receive is polled again only once woken, so no unprompted poll finds the value a
 * lost wake left unannounced.
 *
 * <p>Three operations a thread still reach the plant below (unlike the watch's check, whose
 * scenarios are the same shape): its scenarios stay as they are. Plants, each in a detached
 * worktree ({@code mvn -B -q -o -pl runtime test -Dtest=BroadcastModelCheckTest}, load under 1 on
 * 2 cores; the test's own seconds):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant in Broadcast</th><th>3 actors a thread</th></tr>
 *   <tr><td>recv checks for a value in one locked block and parks in the next (a send in between
 *       wakes nobody)</td><td>caught, 2 runs of 2 (5 to 6 s)</td></tr>
 *   <tr><td>a send wakes only the first waiting receive</td><td>caught (54 s at load 20, when
 *       first planted; not re-run)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (4 s)</td></tr>
 * </table>
 */
public class BroadcastModelCheckTest {

  private final Broadcast.Sender<Integer> sender = Broadcast.channel(1);
  private final Broadcast.Receiver<Integer> ra = sender.subscribe();
  private final Broadcast.Receiver<Integer> rb = sender.subscribe();
  private final WokenTask<Integer> a = new WokenTask<>("task a's recv", ra::recv);
  private final WokenTask<Integer> b = new WokenTask<>("task b's recv", rb::recv);

  /**
   * Never polled, so it changes nothing: Lincheck instruments the classes of the objects reachable
   * from the test, so the receive future's class is modelled (see {@link WatchModelCheckTest}).
   */
  private final Object unpolled = ra.recv();

  /** A task's turn: a new receive, or its pending one again if woken; lagged ends a receive too. */
  private static void recv(WokenTask<Integer> t) {
    try {
      t.turn();
    } catch (LaggedException lagged) {
      // The receive finished: values were overwritten before it read them.
    }
  }

  @Operation(nonParallelGroup = "a")
  public void recvA() {
    recv(a);
  }

  /** Task a abandons its pending receive (a lost select, a timeout). */
  @Operation(nonParallelGroup = "a")
  public void abandonA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void recvB() {
    recv(b);
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
    // Woken by sends that overwrote what it had not read: finished, lagged.
    a.settle(LaggedException.class);
    b.settle(LaggedException.class);
    if (sender.waitingReceives() != 0) {
      throw new AssertionError("receives left queued after they were abandoned");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(BroadcastModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
