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
 * Lincheck explores an unbounded mpsc channel whose first consumer polls its pending receive again
 * with a new waker ({@link WokenTask#repoll}, as a combinator polling all its branches does): the
 * receive waiting in the lock-free slot swaps its waker in place while a {@code trySend} takes it
 * out to hand it a value, and while the second consumer's receive moves the channel onto its lock.
 * Checked once the scenario ended ({@link #nothingLost}): the waker of each receive's last pending
 * poll was woken if it can go on (a wake that reaches the swapped-out waker is lost); nothing
 * waits once abandoned; every value sent was received once or is still queued.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too. The swap's re-poll is unprompted and may
 * find a value whose wake was lost before it; {@link MpscModelCheckTest} checks those wakes with a
 * consumer that never polls unprompted. (A stale-waker read injected between the two VarHandle
 * accesses of {@code handOver} was not caught: the model checker does not seem to switch threads
 * between adjacent VarHandle operations; the hand-driven and fuzz tests cover the rest.)
 */
public class MpscWakerSwapModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;
  private final WokenTask<Integer> first;
  private final WokenTask<Integer> second;

  /** Values sent by {@code trySend}. */
  private final AtomicInteger sent = new AtomicInteger();

  /** Values received by the two consumers. */
  private final AtomicInteger received = new AtomicInteger();

  /** A fresh channel for each scenario. */
  public MpscWakerSwapModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.unbounded();
    sender = channel.sender();
    receiver = channel.receiver();
    first = new WokenTask<>("the first consumer's recv", receiver::recv);
    second = new WokenTask<>("the second consumer's recv", receiver::recv);
  }

  private void count(Poll<Integer> p) {
    if (p != null) {
      received.incrementAndGet();
    }
  }

  /** The first consumer's turn, then, if its receive waits, a poll of it with a new waker. */
  @Operation(nonParallelGroup = "first")
  public void pollFirstAndSwap() {
    Poll<Integer> p = first.turn();
    count(p == null ? first.repoll() : p);
  }

  /** The second consumer's turn: a new receive, or its pending one again if woken. */
  @Operation(nonParallelGroup = "second")
  public void pollSecond() {
    count(second.turn());
  }

  @Operation
  public void trySend(int v) {
    if (sender.trySend(v)) {
      sent.incrementAndGet();
    }
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void nothingLost() {
    for (WokenTask<Integer> t : List.of(first, second)) {
      t.assertNoLostWake();
    }
    for (WokenTask<Integer> t : List.of(first, second)) {
      count(t.lastTurn());
    }
    if (receiver.waitingReceives() != 0) {
      throw new AssertionError("a receive still waits after every receive was abandoned");
    }
    MpscLedger.assertEachValueOnce(receiver, sent.get(), received.get());
  }

  @Test
  public void modelCheck() {
    LinChecker.check(MpscWakerSwapModelCheckTest.class, DeepCheck.modelChecking(8, 100)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
