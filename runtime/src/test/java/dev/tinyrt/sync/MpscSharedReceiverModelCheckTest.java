// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import dev.tinyrt.WokenTask;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
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
 *
 * <p>Three operations a thread (10 x 150) passed a receive abandoned after it was granted a value
 * that drops the value: it needs both consumers queued, the value granted to the first, then its
 * abandon, four operations in one order. So the check runs that race itself ({@link
 * #dropBesideGrant}) and the move of a receive from the slot into the queue beside a hand-over
 * ({@link #moveBesideHandOver}), 150 interleavings each, and a drop beside a close ({@link
 * #dropBesideClose}, 40: a close that wakes nobody was otherwise left to the random scenarios,
 * 16 to 28 s), then random scenarios of one operation a thread, then two. Plants, each in a
 * detached worktree ({@code mvn -B -q -o -pl runtime test -Dtest=MpscSharedReceiverModelCheckTest},
 * the test's own seconds, Lincheck's shrinking of the failing scenario included, on 2 shared
 * cores; before at load 9 to 13, now at load 4 to 8):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>before (3 a thread, 10 x 150)</th><th>now</th></tr>
 *   <tr><td>enterLocked takes the receive out of the slot and queues it nowhere</td><td>caught
 *       (33 s)</td><td>caught (8.5 s)</td></tr>
 *   <tr><td>leaveLocked gives the channel back to the slot while receives wait in the
 *       queue</td><td>caught (37 s)</td><td>caught (3 s)</td></tr>
 *   <tr><td>closeSending grants the waiting receives but drops their wakers</td><td>caught
 *       (32 s)</td><td>caught (12.5 s)</td></tr>
 *   <tr><td>deliver hands the value to the first receive and queues it as well (two consumers
 *       get it)</td><td>caught (35 s)</td><td>caught (3 s)</td></tr>
 *   <tr><td>a receive abandoned after it was granted a value drops the value</td><td>not caught
 *       (31 s)</td><td>caught (3.5 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (18 s, load 4)</td><td>passes (16 s, load 8;
 *       8 s at load under 1 without the close race)</td></tr>
 * </table>
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

  /**
   * Both consumers wait in the lock's queue (the sequential part: a waits in the slot, b's
   * receive moves it into the queue and queues behind it); a abandons its receive while a {@code
   * trySend} hands it a value: the value must go on to b.
   */
  private static ExecutionScenario dropBesideGrant() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("recvA"), actor("recvB")),
        List.of(List.of(actor("abandonA")), List.of(actor("trySend", 1))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  /**
   * Consumer a waits in the slot (the sequential part); b's receive moves it into the lock's queue
   * while a {@code trySend} takes it out of the slot to hand it a value.
   */
  private static ExecutionScenario moveBesideHandOver() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("recvA")),
        List.of(List.of(actor("recvB")), List.of(actor("trySend", 1))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  /**
   * Both consumers wait in the lock's queue (the sequential part); a abandons its receive while
   * the sender closes: b is woken and gives null, and a leaves nothing queued.
   */
  private static ExecutionScenario dropBesideClose() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("recvA"), actor("recvB")),
        List.of(List.of(actor("abandonA")), List.of(actor("close"))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  private static Actor actor(String operation, Object... arguments)
      throws NoSuchMethodException {
    Class<?>[] types = new Class<?>[arguments.length];
    Arrays.fill(types, int.class);
    Method m = MpscSharedReceiverModelCheckTest.class.getMethod(operation, types);
    return new Actor(m, List.of(arguments));
  }

  @Test
  public void modelCheck() throws NoSuchMethodException {
    // The races above, with the whole interleaving budget on the hand-overs.
    LinChecker.check(MpscSharedReceiverModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 0, /* invocationsPerIteration = */ 150)
        .addCustomScenario(dropBesideGrant())
        .addCustomScenario(moveBesideHandOver()));
    LinChecker.check(MpscSharedReceiverModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 0, /* invocationsPerIteration = */ 40)
        .addCustomScenario(dropBesideClose()));
    LinChecker.check(MpscSharedReceiverModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 8, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(1)
        // No sequential prefix or suffix: the validation runs after the last part, and a receive
        // polled in a suffix would take what a lost wake left behind.
        .actorsBefore(0)
        .actorsAfter(0));
    LinChecker.check(MpscSharedReceiverModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
