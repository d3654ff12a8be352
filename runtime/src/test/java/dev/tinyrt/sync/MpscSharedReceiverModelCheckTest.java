// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import dev.tinyrt.WokenTask;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two consumer tasks sharing one receiver of a bounded mpsc channel, receiving
 * and abandoning receives, while values are sent and the sender closed from anywhere: the second
 * receive to wait moves the channel onto its lock, taking the first out of the lock-free slot into
 * the queue. Checked once the scenario ended ({@link #nothingLost}): a receive left pending was
 * woken or cannot go on (no lost wake-up, no value stranded in the queue while a receive waits);
 * no receive waits once abandoned; every value sent was received exactly once or is still queued.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too. The consumers behave as executors do
 * ({@link WokenTask}): a receive is polled again only once woken.
 */
public class MpscSharedReceiverModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;
  private final WokenTask<Integer> a;
  private final WokenTask<Integer> b;

  /** Values sent successfully. */
  private final AtomicInteger sent = new AtomicInteger();

  /** Values received by a and b. */
  private final AtomicInteger received = new AtomicInteger();

  /** A fresh channel for each scenario; no record in a field (Lincheck cannot read them). */
  public MpscSharedReceiverModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.bounded(1);
    sender = channel.sender();
    receiver = channel.receiver();
    a = new WokenTask<>("consumer a's recv", receiver::recv);
    b = new WokenTask<>("consumer b's recv", receiver::recv);
  }

  /** Counts a value received (a closed channel's receive gives null). */
  private void count(Poll<Integer> p) {
    if (p != null && p.get() != null) {
      received.incrementAndGet();
    }
  }

  /** Consumer a's turn: a new receive, or its pending one again if woken. */
  @Operation(nonParallelGroup = "a")
  public void recvA() {
    count(a.turn());
  }

  /** Consumer a abandons its pending receive (a lost select, a timeout). */
  @Operation(nonParallelGroup = "a")
  public void abandonA() {
    a.abandon();
  }

  @Operation(nonParallelGroup = "b")
  public void recvB() {
    count(b.turn());
  }

  @Operation(nonParallelGroup = "b")
  public void abandonB() {
    b.abandon();
  }

  @Operation
  public void trySend(int v) {
    try {
      if (sender.trySend(v)) {
        sent.incrementAndGet();
      }
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
  public void nothingLost() {
    for (WokenTask<Integer> t : List.of(a, b)) {
      t.assertNoLostWake();
    }
    for (WokenTask<Integer> t : List.of(a, b)) {
      count(t.lastTurn());
    }
    if (receiver.waitingReceives() != 0) {
      throw new AssertionError("receives left queued after they were abandoned");
    }
    MpscLedger.assertEachValueOnce(receiver, sent.get(), received.get());
  }

  @Test
  public void modelCheck() {
    LinChecker.check(MpscSharedReceiverModelCheckTest.class, DeepCheck.modelChecking(10, 150)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part, and a receive
        // polled in a suffix would take what a lost wake left behind.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
