// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two receivers waiting for changes and abandoning the wait while values are
 * sent and the channel closed from anywhere: outcomes match a sequential run, no wait is left
 * pending unwoken when it could go on, and no wait stays queued once abandoned.
 */
public class WatchModelCheckTest {

  private final Watch.Sender<Integer> sender;
  private final ModelTask<Integer> a;
  private final ModelTask<Integer> b;

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
    a = new ModelTask<>(ra::changed);
    b = new ModelTask<>(rb::changed);
    unpolled = ra.changed();
  }

  static String changed(ModelTask<Integer> t) {
    try {
      Poll<Integer> p = t.poll();
      return p == null ? "pending" : "value " + p.get();
    } catch (ChannelClosedException e) {
      return "closed";
    }
  }

  @Operation(nonParallelGroup = "a")
  public String changedA() {
    return changed(a);
  }

  @Operation(nonParallelGroup = "a")
  public String abandonA() {
    return a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public String changedB() {
    return changed(b);
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
    a.assertNoLostWakeUp("a watch changed()");
    b.assertNoLostWakeUp("a watch changed()");
    a.abandon();
    b.abandon();
    if (sender.waitingReceives() != 0) {
      throw new AssertionError("waits left queued after they were abandoned");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(WatchModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 8, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(3));
  }
}
