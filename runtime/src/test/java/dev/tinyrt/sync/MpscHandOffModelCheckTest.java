// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import dev.tinyrt.WokenTask;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the lock-free fast path of a bounded(1) mpsc channel: a send task (send
 * futures, which may wait and be abandoned) and a receive task (receives, which wait in the
 * channel's slot and may be abandoned while a send is handing them a value), with a second thread
 * that sends with {@code trySend}. Checked once the scenario ended ({@link #nothingLost}): a send
 * or a receive left pending was woken or cannot go on (no lost wake-up: a hand-over that forgets
 * to wake the receive in the slot); nothing waits any more once abandoned; every value sent was
 * received once or is still queued.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too. Both tasks behave as executors do ({@link
 * WokenTask}): a future is polled again only once woken, so no unprompted poll takes the value a
 * lost wake left handed over.
 */
public class MpscHandOffModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;
  private final WokenTask<Void> sends;
  private final WokenTask<Integer> recvs;

  /** The value the send task sends next. */
  private int next = 100;

  /** Values sent (a send future ready, or a trySend that returned true). */
  private final AtomicInteger sent = new AtomicInteger();

  /** Values received by the receive task. */
  private final AtomicInteger received = new AtomicInteger();

  /** A fresh channel for each scenario. */
  public MpscHandOffModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.bounded(1);
    sender = channel.sender();
    receiver = channel.receiver();
    sends = new WokenTask<>("the send task's send", () -> sender.send(next++));
    recvs = new WokenTask<>("the receive task's recv", receiver::recv);
  }

  /** The send task's turn: a new send, or its pending one again if woken. */
  @Operation(nonParallelGroup = "sends")
  public void send() {
    countSent(sends.turn());
  }

  /** The send task abandons its pending send (a lost select, a timeout). */
  @Operation(nonParallelGroup = "sends")
  public void abandonSend() {
    sends.abandon();
  }

  /** The receive task's turn: a new receive, or its pending one again if woken. */
  @Operation(nonParallelGroup = "recvs")
  public void recv() {
    countReceived(recvs.turn());
  }

  /** The receive task abandons its pending receive. */
  @Operation(nonParallelGroup = "recvs")
  public void abandonRecv() {
    recvs.abandon();
  }

  @Operation
  public void trySend(int v) {
    if (sender.trySend(v)) {
      sent.incrementAndGet();
    }
  }

  private void countSent(Poll<Void> p) {
    if (p != null) {
      sent.incrementAndGet();
    }
  }

  private void countReceived(Poll<Integer> p) {
    if (p != null) {
      received.incrementAndGet();
    }
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void nothingLost() {
    sends.assertNoLostWake();
    recvs.assertNoLostWake();
    countSent(sends.lastTurn());
    countReceived(recvs.lastTurn());
    if (receiver.waitingReceives() != 0 || sender.waitingSends() != 0
        || sender.reservedSlots() != 0) {
      throw new AssertionError("waiters or kept slots left after every wait was abandoned");
    }
    MpscLedger.assertEachValueOnce(receiver, sent.get(), received.get());
  }

  @Test
  public void modelCheck() {
    LinChecker.check(MpscHandOffModelCheckTest.class, DeepCheck.modelChecking(10, 150)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part, and a receive
        // polled in a suffix would take what a lost wake left behind.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
