// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores two producers and the consumer of a bounded mpsc channel: every outcome must
 * match a sequential run, and a consumer left pending must have been woken by any value sent
 * after it registered.
 */
public class MpscModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;

  /** Orders completed sends against the consumer's last pending poll. */
  private final AtomicLong clock = new AtomicLong();

  /** The clock when the last send completed. */
  private volatile long lastSendDone = -1;

  /** The clock when the consumer's last poll returned pending, or -1 if it did not. */
  private volatile long pendingSince = -1;

  /** The wake count of the waker the consumer's last pending poll registered. */
  private volatile AtomicInteger lastWaker;

  /** A fresh channel of capacity 2 for each scenario. */
  public MpscModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.bounded(2);
    sender = channel.sender();
    receiver = channel.receiver();
  }

  @Operation
  public boolean trySend(int v) {
    boolean sent = sender.trySend(v);
    if (sent) {
      lastSendDone = clock.incrementAndGet();
    }
    return sent;
  }

  @Operation(nonParallelGroup = "consumer")
  public String recv() {
    AtomicInteger wakes = new AtomicInteger();
    Poll<Integer> p = receiver.recv().poll(Context.from(wakes::incrementAndGet));
    if (p.isPending()) {
      lastWaker = wakes;
      pendingSince = clock.incrementAndGet();
      return "pending";
    }
    pendingSince = -1;
    return "value " + p.get();
  }

  /** A value sent after the consumer parked must have woken it. */
  @Operation(nonParallelGroup = "consumer")
  public String check() {
    long since = pendingSince;
    return since >= 0 && lastSendDone > since && lastWaker.get() == 0 ? "lost wake-up" : "ok";
  }

  @Test
  public void modelCheck() {
    LinChecker.check(MpscModelCheckTest.class, DeepCheck.modelChecking(25, 400)
        .threads(2)
        .actorsPerThread(3));
  }
}
