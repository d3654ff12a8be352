// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.WokenTask;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores a oneshot receiver polled again with a new waker while it waits ({@link
 * WokenTask#repoll}), so it takes its registration back ({@code RX_WAITING} cleared by CAS) and
 * registers again while the sender sends or closes. Checked once the scenario ended ({@link
 * #lastWakerWoken}): a receive left pending whose last waker was never woken cannot go on (a wake
 * that reaches the swapped-out waker is lost). {@link OneshotModelCheckTest} polls with one waker
 * and cannot tell a stale waker's wake from the right one.
 *
 * <p>The operations return nothing: Lincheck compares results with the sequential runs, and a wake
 * lost in every run is lost in the sequential runs too.
 */
public class OneshotWakerSwapModelCheckTest {

  private final Oneshot.Sender<Integer> sender;

  /** The channel's receiver, which the task awaits. */
  private final Oneshot.Receiver<Integer> receiver;

  /** Set once a send returned normally. */
  private volatile boolean sent;

  /** The receiving task; it has one receiver, so it waits for it once. */
  private final WokenTask<Integer> receive;

  /** Set once the receive finished (written by the receiver's thread only). */
  private boolean finished;

  /** A fresh channel for each scenario Lincheck runs. */
  public OneshotWakerSwapModelCheckTest() {
    Oneshot.Channel<Integer> channel = Oneshot.channel();
    sender = channel.sender();
    receiver = channel.receiver();
    receive = new WokenTask<>("the oneshot receive", () -> receiver);
  }

  @Operation(nonParallelGroup = "sender")
  public void send(int v) {
    try {
      sender.send(v);
      sent = true;
    } catch (IllegalStateException secondSend) {
      // A oneshot sends once: nothing happened.
    }
  }

  @Operation(nonParallelGroup = "sender")
  public void close() {
    sender.close();
  }

  /** Polls the receive (once, or again if woken) and, if it waits, once more with a new waker. */
  @Operation(nonParallelGroup = "receiver")
  public void pollAndSwap() {
    if (finished) {
      return; // a receiver that finished is not polled again
    }
    try {
      finished = receive.turn() != null || (receive.isWaiting() && receive.repoll() != null);
    } catch (ChannelClosedException closed) {
      finished = true;
    }
  }

  /**
   * Run once the scenario ended, when no operation runs: the last waker was woken if the receive
   * can go on, and a value sent and not yet received is still in the channel (a waker registered
   * over it would hide it from every later poll).
   */
  @Validate
  public void lastWakerWokenAndNoValueLost() {
    receive.assertNoLostWake();
    if (sent && !finished && !receiver.holdsValue()) {
      throw new IllegalStateException("a value was sent, the receive has not finished, and the "
          + "channel no longer holds the value: " + receiver);
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(OneshotWakerSwapModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 4, /* invocationsPerIteration = */ 100)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: the validation runs after the last part.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
