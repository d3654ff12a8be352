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
 * consumer that never polls unprompted.
 *
 * <p>Three operations a thread (8 x 100) passed a stale-waker read moved before the CAS that
 * takes the receive, in {@code handOver} as in {@code enterLocked}: it was said here that the
 * model checker does not switch threads between adjacent VarHandle accesses, but it does ({@code
 * LincheckSwitchesAtVarHandlesTest}); the random scenarios rarely had the receive parked in the
 * slot before the swap, and the swap and the taking must then meet at one exact point. So the
 * check runs those two races itself ({@link #swapBesideHandOver}, {@link #swapBesideMoveToQueue},
 * 150 interleavings each: at 60 the {@code enterLocked} plant passed), then random scenarios of two
 * operations a thread. Plants, each in a detached worktree ({@code mvn -B -q -o -pl runtime test
 * -Dtest=MpscWakerSwapModelCheckTest}, the test's own seconds, Lincheck's shrinking of the failing
 * scenario included, on 2 shared cores; before at load 11, now at load 4 to 9):
 * <table>
 *   <caption>plants</caption>
 *   <tr><th>plant</th><th>before (3 a thread, 8 x 100)</th><th>now</th></tr>
 *   <tr><td>handOver reads the receive's waker before its CAS from PARKED to HANDED</td>
 *       <td>not caught (27 s)</td><td>caught (3.5 s)</td></tr>
 *   <tr><td>enterLocked reads the receive's waker before its CAS from PARKED to QUEUED</td>
 *       <td>not caught (20 s)</td><td>caught, 2 runs of 2 (9 s, 17 s)</td></tr>
 *   <tr><td>a receive in the slot checks that it is still there before it writes its new waker,
 *       not after</td><td>caught (28 s)</td><td>caught (7 s)</td></tr>
 *   <tr><td>none (the real code)</td><td>passes (12 s, load 4)</td><td>passes (14 s at load
 *       8, 18.5 s at load 9)</td></tr>
 * </table>
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

  /**
   * The first consumer's receive waits in the slot (the sequential part); it swaps its waker while
   * a {@code trySend} takes it out of the slot and reads the waker to wake.
   */
  private static ExecutionScenario swapBesideHandOver() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("pollFirstAndSwap")),
        List.of(List.of(actor("pollFirstAndSwap")), List.of(actor("trySend", 1))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  /**
   * The first consumer's receive waits in the slot (the sequential part); it swaps its waker while
   * the second consumer's receive moves it into the lock's queue with the waker it read, and a
   * {@code trySend} then grants it a value and wakes that waker.
   */
  private static ExecutionScenario swapBesideMoveToQueue() throws NoSuchMethodException {
    return new ExecutionScenario(
        List.of(actor("pollFirstAndSwap")),
        List.of(List.of(actor("pollFirstAndSwap")),
            List.of(actor("pollSecond"), actor("trySend", 1))),
        /* postExecution = */ List.of(),
        /* validationFunction = */ actor("nothingLost"));
  }

  private static Actor actor(String operation, Object... arguments)
      throws NoSuchMethodException {
    Class<?>[] types = new Class<?>[arguments.length];
    Arrays.fill(types, int.class);
    Method m = MpscWakerSwapModelCheckTest.class.getMethod(operation, types);
    return new Actor(m, List.of(arguments));
  }

  @Test
  public void modelCheck() throws NoSuchMethodException {
    // The two races above, with the whole interleaving budget on each.
    LinChecker.check(MpscWakerSwapModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 0, /* invocationsPerIteration = */ 150)
        .addCustomScenario(swapBesideHandOver())
        .addCustomScenario(swapBesideMoveToQueue()));
    LinChecker.check(MpscWakerSwapModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 5, /* invocationsPerIteration = */ 50)
        .threads(2)
        .actorsPerThread(2)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
