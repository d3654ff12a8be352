// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import dev.tinyrt.WokenTask;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores producers ({@code trySend}, the sender's {@code close}) against the consumer
 * task of a bounded mpsc channel, whose one receive waits in the lock-free slot or in the lock's
 * queue, is handed a value, is closed on, or is abandoned. Checked once the scenario ended ({@link
 * #nothingLost}): the consumer's receive left pending was woken, or cannot go on (no lost wake);
 * no receive waits once it was abandoned; every value sent was received once or is still queued.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run (a {@code handOver} or a {@code close} that forgets to wake) is lost in the
 * sequential runs too, so a result saying so would match them. And the consumer behaves as an
 * executor does ({@link WokenTask}): it keeps one receive until it is ready or dropped, and polls
 * it again only once woken. A consumer that gave up a pending receive for a new one made the
 * check fire on correct code (the value rightly went to the first), and one that polled a pending
 * receive unprompted would find a value that a lost wake left there and hide it.
 *
 * <p>Random scenarios do not reach the race between a drop and a hand-over ({@link
 * #dropBesideHandOver}): the drop must read the receive's state after the send took it out of the
 * slot and before the send's CAS, two switches at two exact points. Neither three operations a
 * thread (10 x 150), nor a pass of two a thread first (10 x 50), nor one a thread after a
 * sequential part of one operation (20 x 50, 60 x 40) caught the plant below; so the check also
 * runs that scenario itself. Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=MpscModelCheckTest}, load under 1 on 2 cores; the test's own seconds):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>random scenarios only</th><th>with dropBesideHandOver</th></tr>
 *   <tr><td>MpscRecv.drop moves a receive taken out of the slot from PARKED to DROPPED by a read,
 *       then a write, not a CAS (a value handed to it meanwhile is lost)</td><td>not caught (8 s;
 *       the shapes above 9 to 14 s)</td><td>caught (4.5 s)</td></tr>
 *   <tr><td>handOver does not wake the receive</td><td>caught (when first planted)</td>
 *       <td>caught (6.5 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes</td><td>passes (9.5 s)</td></tr>
 * </table>
 */
public class MpscModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;

  /** The consumer task: one receive at a time, polled again only once woken. */
  private final WokenTask<Integer> consumer;

  /** Values the producers sent (a {@code trySend} that returned true). */
  private final AtomicInteger sent = new AtomicInteger();

  /** Values the consumer received; the consumer's thread writes it, the validation reads it. */
  private int received;

  /** A fresh channel of capacity 2 for each scenario. */
  public MpscModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.bounded(2);
    sender = channel.sender();
    receiver = channel.receiver();
    consumer = new WokenTask<>("the consumer's recv", receiver::recv);
  }

  /** A producer sends a value if there is room (it hands it to a waiting receive if one waits). */
  @Operation
  public void trySend() {
    try {
      if (sender.trySend(1)) {
        sent.incrementAndGet();
      }
    } catch (IllegalStateException sendAfterClose) {
      // The sender was closed: nothing was sent.
    }
  }

  /** A producer closes the sending side: a waiting receive is woken and gives null. */
  @Operation
  public void closeSender() {
    sender.close();
  }

  /** The consumer's turn: a new receive, or its pending one again if it was woken. */
  @Operation(nonParallelGroup = "consumer")
  public void recv() {
    count(consumer.turn());
  }

  /** The consumer abandons its pending receive (a lost select, a timeout). */
  @Operation(nonParallelGroup = "consumer")
  public void dropRecv() {
    consumer.abandon();
  }

  private void count(Poll<Integer> p) {
    if (p != null && p.get() != null) {
      received++;
    }
  }

  /** Run once the scenario ended, when no operation runs. */
  @Validate
  public void nothingLost() {
    consumer.assertNoLostWake();
    // A receive woken but not polled yet (its task would be): it takes what it was given.
    if (consumer.isWaiting()) {
      count(consumer.turn());
    }
    consumer.abandon();
    if (receiver.waitingReceives() != 0) {
      throw new AssertionError("a receive still waits after the consumer abandoned its receive");
    }
    MpscLedger.assertEachValueOnce(receiver, sent.get(), received);
  }

  /**
   * The lock-free path's race, with the whole interleaving budget on it: a receive waiting in the
   * slot (the sequential part) is dropped while a producer takes it out of the slot and hands it a
   * value; the CAS from PARKED decides who owns the value.
   */
  private static ExecutionScenario dropBesideHandOver() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("recv")),
        List.of(List.of(actor("trySend")), List.of(actor("dropRecv"))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  private static Actor actor(String operation) throws NoSuchMethodException {
    Method m = MpscModelCheckTest.class.getMethod(operation);
    return new Actor(m, /* arguments = */ List.of());
  }

  @Test
  public void modelCheck() throws NoSuchMethodException {
    LinChecker.check(MpscModelCheckTest.class, DeepCheck.modelChecking(10, 150)
        .addCustomScenario(dropBesideHandOver())
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part, and a receive
        // polled in a suffix would take what a lost wake left behind.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
