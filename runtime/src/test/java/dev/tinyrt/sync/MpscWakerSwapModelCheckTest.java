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
 * Lincheck explores an unbounded mpsc channel whose two consumer tasks poll their receives with a
 * new waker each time ({@link WakerSwapTask}): the receive waiting in the lock-free slot swaps its
 * waker in place while a {@code trySend} takes it out to hand it a value, and while the other
 * consumer's receive moves the channel onto its lock. Checked at the end: the waker of each
 * receive's last pending poll was woken if it can go on, nothing waits once abandoned, and every
 * value sent was received once or is still queued. (A stale-waker read injected between the two
 * VarHandle accesses of {@code handOver} was not caught: the model checker does not seem to switch
 * threads between adjacent VarHandle operations; the hand-driven and fuzz tests cover the rest.)
 */
public class MpscWakerSwapModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;
  private final WakerSwapTask<Integer> first;
  private final WakerSwapTask<Integer> second;

  /** Values sent by {@code trySend}. */
  private final AtomicInteger sent = new AtomicInteger();

  /** Values received by the two consumers. */
  private final AtomicInteger received = new AtomicInteger();

  /** A fresh channel for each scenario. */
  public MpscWakerSwapModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.unbounded();
    sender = channel.sender();
    receiver = channel.receiver();
    first = new WakerSwapTask<>(receiver::recv);
    second = new WakerSwapTask<>(receiver::recv);
  }

  private String poll(WakerSwapTask<Integer> task) {
    Poll<Integer> p = task.poll();
    if (p == null) {
      return "pending";
    }
    received.incrementAndGet();
    return "value";
  }

  /** Polls the first consumer's receive, and if it waits, polls it again with a new waker. */
  @Operation(nonParallelGroup = "first")
  public String pollFirstTwice() {
    String once = poll(first);
    return once.equals("pending") ? poll(first) : once;
  }

  @Operation(nonParallelGroup = "second")
  public String pollSecond() {
    return poll(second);
  }

  @Operation
  public String trySend(int v) {
    if (sender.trySend(v)) {
      sent.incrementAndGet();
      return "sent";
    }
    return "full";
  }

  /** Checked once all operations finished. */
  @Validate
  public void lastWakerWokenNothingLeftEachValueOnce() {
    // A re-poll here that finds a value throws: a receive that could go on was never woken.
    first.assertNoLostWakeUp("the first consumer's recv");
    second.assertNoLostWakeUp("the second consumer's recv");
    first.abandon();
    second.abandon();
    if (receiver.waitingReceives() != 0) {
      throw new AssertionError("a receive still waits after every receive was abandoned");
    }
    MpscLedger.assertEachValueOnce(receiver, sent.get(), received.get());
  }

  @Test
  public void modelCheck() {
    LinChecker.check(MpscWakerSwapModelCheckTest.class, DeepCheck.modelChecking(8, 100)
        .threads(2)
        .actorsPerThread(3));
  }
}
