// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the lock-free fast path of a bounded(1) mpsc channel: a send task (send
 * futures, which may wait and be abandoned) and a receive task (receives, which wait in the
 * channel's slot and may be abandoned while a send is handing them a value), with a second thread
 * that sends with {@code trySend}. At the end: nobody that could go on was left unwoken, nothing
 * waits any more once abandoned, and every value sent was received once or is still queued.
 */
public class MpscHandOffModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;
  private final ModelTask<Void> sends;
  private final ModelTask<Integer> recvs;

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
    sends = new ModelTask<>(() -> sender.send(next++));
    recvs = new ModelTask<>(receiver::recv);
  }

  @Operation(nonParallelGroup = "sends")
  public String send() {
    if (sends.poll() == null) {
      return "pending";
    }
    sent.incrementAndGet();
    return "sent";
  }

  @Operation(nonParallelGroup = "sends")
  public String abandonSend() {
    return sends.abandon();
  }

  @Operation(nonParallelGroup = "recvs")
  public String recv() {
    Poll<Integer> p = recvs.poll();
    if (p == null) {
      return "pending";
    }
    received.incrementAndGet();
    return "value";
  }

  @Operation(nonParallelGroup = "recvs")
  public String abandonRecv() {
    return recvs.abandon();
  }

  @Operation
  public String trySend(int v) {
    boolean ok = sender.trySend(v);
    if (ok) {
      sent.incrementAndGet();
    }
    return ok ? "sent" : "full";
  }

  /** Checked once all operations finished. */
  @Validate
  public void noLostWakeUpNothingLeftEachValueOnce() {
    sends.assertNoLostWakeUp("a bounded send");
    recvs.assertNoLostWakeUp("a recv");
    sends.abandon();
    recvs.abandon();
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
        .actorsPerThread(3));
  }
}
