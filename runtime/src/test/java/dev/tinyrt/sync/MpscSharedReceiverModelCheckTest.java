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
 * Lincheck explores two consumer tasks sharing one receiver of a bounded mpsc channel, receiving
 * and abandoning receives, while values are sent and the sender closed from anywhere. At the end:
 * no receive is left pending unwoken when it could go on, no value is stranded in the queue while
 * a receive waits, and every value sent was received exactly once or is still queued.
 */
public class MpscSharedReceiverModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;
  private final ModelTask<Integer> a;
  private final ModelTask<Integer> b;

  /** Values sent successfully. */
  private final AtomicInteger sent = new AtomicInteger();

  /** Values received by a and b. */
  private final AtomicInteger received = new AtomicInteger();

  /** A fresh channel for each scenario; no record in a field (Lincheck cannot read them). */
  public MpscSharedReceiverModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.bounded(1);
    sender = channel.sender();
    receiver = channel.receiver();
    a = new ModelTask<>(receiver::recv);
    b = new ModelTask<>(receiver::recv);
  }

  String recv(ModelTask<Integer> t) {
    Poll<Integer> p = t.poll();
    if (p == null) {
      return "pending";
    }
    if (p.get() == null) {
      return "closed";
    }
    received.incrementAndGet();
    return "value " + p.get();
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
  public String trySend(int v) {
    try {
      boolean ok = sender.trySend(v);
      if (ok) {
        sent.incrementAndGet();
      }
      return ok ? "sent" : "full";
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
  public void noLostWakeUpNoStrandedValueEachValueOnce() {
    a.assertNoLostWakeUp("a shared-receiver recv");
    b.assertNoLostWakeUp("a shared-receiver recv");
    a.abandon();
    b.abandon();
    if (receiver.waitingReceives() != 0) {
      throw new AssertionError("receives left queued after they were abandoned");
    }
    MpscLedger.assertEachValueOnce(receiver, sent.get(), received.get());
  }

  @Test
  public void modelCheck() {
    LinChecker.check(MpscSharedReceiverModelCheckTest.class, DeepCheck.modelChecking(10, 150)
        .threads(2)
        .actorsPerThread(3));
  }
}
