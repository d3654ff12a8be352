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
 * Lincheck explores the lock-free fast path of a bounded(1) mpsc channel: a send task (send
 * futures, which may wait and be abandoned) and a receive task (receives, which wait in the
 * channel's slot and may be abandoned while a send is handing them a value), with a second thread
 * that sends with {@code trySend}. Checked once the scenario ended ({@link #nothingLost}): a send
 * or a receive left pending was woken or cannot go on (no lost wake-up: a hand-over that forgets
 * to wake the receive in the slot); no send waits unwoken while the channel has room (a receive
 * that frees a slot must keep it for the waiting send); nothing waits and no slot stays kept once
 * abandoned; every value sent was received once or is still queued.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too. Both tasks behave as executors do ({@link
 * WokenTask}): a future is polled again only once woken, so no unprompted poll takes the value a
 * lost wake left handed over.
 *
 * <p>Three operations a thread (10 x 150) passed two of the five plants below: a receive that
 * frees a slot and wakes no waiting send (a send left queued polls pending again, so only the
 * room check can see it), and a drop that moves a receive taken out of the slot from PARKED to
 * DROPPED by a read, then a write (two switches at two exact points; {@link MpscModelCheckTest}
 * has the same race at capacity 2). So the check runs three races itself ({@link
 * #dropBesideHandOver} with 150 interleavings: at 50 the drop plant passed; {@link
 * #dropBesideSlotKept} and {@link #recvBesideTrySend} with 40), then random scenarios of one
 * operation a thread, then two. Plants, each in a detached worktree ({@code mvn -B -q -o -pl
 * runtime test -Dtest=MpscHandOffModelCheckTest}, the test's own seconds, Lincheck's shrinking of
 * the failing scenario included, on 2 shared cores; before at load 4 to 10, now at load 3 to 5):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>before (3 a thread, 10 x 150)</th><th>now</th></tr>
 *   <tr><td>handOver does not wake the receive</td><td>caught (12 s)</td><td>caught
 *       (7 s)</td></tr>
 *   <tr><td>MpscRecv.drop of a HANDED receive does not redeliver its value</td><td>caught
 *       (6 s)</td><td>caught (3.5 s)</td></tr>
 *   <tr><td>MpscRecv.drop moves a receive out of the slot from PARKED to DROPPED by a read,
 *       then a write, not a CAS</td><td>not caught (24 s)</td><td>caught (4 s)</td></tr>
 *   <tr><td>MpscSend.drop of a send granted a slot does not give the slot back</td><td>caught
 *       (65 s)</td><td>caught (5 s)</td></tr>
 *   <tr><td>a receive that takes a queued value under the lock wakes no waiting send</td>
 *       <td>not caught (26 s)</td><td>caught (6 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (15 s, load 3)</td><td>passes (9.5 s, load
 *       5)</td></tr>
 * </table>
 */
public class MpscHandOffModelCheckTest {

  private final Mpsc.Sender<Integer> sender;
  private final Mpsc.Receiver<Integer> receiver;
  private final WokenTask<Void> sends;
  private final WokenTask<Integer> recvs;

  /** The channel's capacity: one value, so a second send waits. */
  private static final int CAPACITY = 1;

  /** The value the send task sends next. */
  private int next = 100;

  /** Values sent (a send future ready, or a trySend that returned true). */
  private final AtomicInteger sent = new AtomicInteger();

  /** Values received by the receive task. */
  private final AtomicInteger received = new AtomicInteger();

  /** A fresh channel for each scenario. */
  public MpscHandOffModelCheckTest() {
    Mpsc.Channel<Integer> channel = Mpsc.bounded(CAPACITY);
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
    // The receive task's last turn first: a receive that takes a queued value frees a slot, and
    // must then grant it to the waiting send.
    countReceived(recvs.lastTurn());
    if (sends.waitsUnwoken() && sent.get() - received.get() < CAPACITY) {
      throw new AssertionError("the send task's send waits, never woken, while the channel has "
          + "room: sent " + sent.get() + ", received " + received.get() + ", capacity "
          + CAPACITY + " (a receive that freed a slot told no waiting send?)");
    }
    countSent(sends.lastTurn());
    if (receiver.waitingReceives() != 0 || sender.waitingSends() != 0
        || sender.reservedSlots() != 0) {
      throw new AssertionError("waiters or kept slots left after every wait was abandoned");
    }
    MpscLedger.assertEachValueOnce(receiver, sent.get(), received.get());
  }

  /**
   * A receive waiting in the slot (the sequential part) is abandoned while a {@code trySend}
   * takes it out of the slot to hand it a value: the CAS from PARKED decides who owns the value.
   */
  private static ExecutionScenario dropBesideHandOver() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("recv")),
        List.of(List.of(actor("trySend", 1)), List.of(actor("abandonRecv"))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  /**
   * A send waiting for room behind a queued value (the sequential part) is abandoned while a
   * receive takes that value and keeps the freed slot for it: the slot must go back.
   */
  private static ExecutionScenario dropBesideSlotKept() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("send"), actor("send")),
        List.of(List.of(actor("abandonSend")), List.of(actor("recv"))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  /**
   * A send waits for room behind a queued value (the sequential part); a receive takes that value
   * and keeps the freed slot for the waiting send while a {@code trySend} looks for room: the
   * waiting send is woken, and the {@code trySend} does not take its slot.
   */
  private static ExecutionScenario recvBesideTrySend() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("send"), actor("send")),
        List.of(List.of(actor("recv")), List.of(actor("trySend", 1))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  private static Actor actor(String operation, Object... arguments)
      throws NoSuchMethodException {
    Class<?>[] types = new Class<?>[arguments.length];
    Arrays.fill(types, int.class);
    Method m = MpscHandOffModelCheckTest.class.getMethod(operation, types);
    return new Actor(m, List.of(arguments));
  }

  @Test
  public void modelCheck() throws NoSuchMethodException {
    // The three races above, with the whole interleaving budget on each: the drop beside a
    // hand-over needs two switches at two exact points (at 50 interleavings its plant passed).
    LinChecker.check(MpscHandOffModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 0, /* invocationsPerIteration = */ 150)
        .addCustomScenario(dropBesideHandOver()));
    LinChecker.check(MpscHandOffModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 0, /* invocationsPerIteration = */ 40)
        .addCustomScenario(dropBesideSlotKept())
        .addCustomScenario(recvBesideTrySend()));
    LinChecker.check(MpscHandOffModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 8, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(1)
        // No sequential prefix or suffix: the validation runs after the last part, and a receive
        // polled in a suffix would take what a lost wake left behind.
        .actorsBefore(0)
        .actorsAfter(0));
    LinChecker.check(MpscHandOffModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 6, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
