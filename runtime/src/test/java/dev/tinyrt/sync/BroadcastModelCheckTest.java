// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two subscribers receiving and abandoning receives while values are sent and
 * the channel is closed from anywhere: outcomes match a sequential run, no receive is left
 * pending unwoken when it could go on, and no receive stays queued once abandoned.
 */
public class BroadcastModelCheckTest {

  private final Broadcast.Sender<Integer> sender = Broadcast.channel(2);
  private final Broadcast.Receiver<Integer> ra = sender.subscribe();
  private final Broadcast.Receiver<Integer> rb = sender.subscribe();
  private final ModelTask<Integer> a = new ModelTask<>(ra::recv);
  private final ModelTask<Integer> b = new ModelTask<>(rb::recv);

  /**
   * Never polled, so it changes nothing: Lincheck instruments the classes of the objects reachable
   * from the test, so the receive future's class is modelled (see {@link WatchModelCheckTest}).
   */
  private final Object unpolled = ra.recv();

  static String recv(ModelTask<Integer> t) {
    try {
      Poll<Integer> p = t.poll();
      return p == null ? "pending" : "value " + p.get();
    } catch (LaggedException e) {
      return "lagged " + e.skipped();
    }
  }

  @Operation(nonParallelGroup = "a")
  public String recvA() {
    return recv(a);
  }

  @Operation(nonParallelGroup = "a")
  public String abandonA() {
    return a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public String recvB() {
    return recv(b);
  }

  @Operation(nonParallelGroup = "b")
  public String abandonB() {
    return b.abandon();
  }

  @Operation
  public String send(int v) {
    try {
      sender.send(v);
      return "sent";
    } catch (IllegalStateException e) {
      return "closed";
    }
  }

  @Operation
  public void close() {
    sender.close();
  }

  /** Checked once all operations finished. */
  @Validate
  public void noLostWakeUpNothingLeftQueued() {
    a.assertNoLostWakeUp("a broadcast recv");
    b.assertNoLostWakeUp("a broadcast recv");
    a.abandon();
    b.abandon();
    if (sender.waitingReceives() != 0) {
      throw new AssertionError("receives left queued after they were abandoned");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(BroadcastModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        // Short init and post parts: the default five actors each almost always add a send (or a
        // notifyOne) after every wait, which hides a waiter left queued (or a permit invented).
        .actorsBefore(1)
        .actorsAfter(1)
        .threads(2)
        .actorsPerThread(3));
  }
}
