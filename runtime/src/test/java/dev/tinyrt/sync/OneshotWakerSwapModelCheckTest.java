// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores a oneshot receiver polled with a new waker each time ({@link WakerSwapTask}),
 * so it takes its registration back ({@code RX_WAITING} cleared by CAS) and registers again while
 * the sender sends: the waker of its last pending poll must be the one woken. The original model
 * check polls with one waker and cannot tell a stale waker's wake from the right one (this one
 * fails when the swap writes the new waker without taking the registration back first).
 */
public class OneshotWakerSwapModelCheckTest {

  private final Oneshot.Sender<Integer> sender;
  private final WakerSwapTask<Integer> receive;

  /** Set once a send returned. */
  private volatile boolean senderFinished;

  /** A fresh channel for each scenario Lincheck runs. */
  public OneshotWakerSwapModelCheckTest() {
    Oneshot.Channel<Integer> channel = Oneshot.channel();
    sender = channel.sender();
    Oneshot.Receiver<Integer> receiver = channel.receiver();
    // One receiver: after it finished, later polls would be a misuse; the task makes no new one.
    receive = new WakerSwapTask<>(new java.util.function.Supplier<>() {
      private boolean made;

      @Override
      public dev.tinyrt.Future<Integer> get() {
        if (made) {
          return dev.tinyrt.Future.ready(-1);
        }
        made = true;
        return receiver;
      }
    });
  }

  @Operation(nonParallelGroup = "sender")
  public String send(int v) {
    try {
      sender.send(v);
      senderFinished = true;
      return "sent";
    } catch (IllegalStateException e) {
      return "refused";
    }
  }

  /** Polls the receiver, and if it waits, polls it again with a new waker. */
  @Operation(nonParallelGroup = "receiver")
  public String pollTwice() {
    String once = poll();
    return once.equals("pending") ? poll() : once;
  }

  private String poll() {
    try {
      Poll<Integer> p = receive.poll();
      return p == null ? "pending" : "value " + p.get();
    } catch (ChannelClosedException e) {
      return "closed";
    }
  }

  /**
   * A receiver whose last poll was pending must have had that poll's waker woken once the sender
   * finished. No sequential run answers "lost wake-up", so Lincheck fails any interleaving that
   * does.
   */
  @Operation
  public String check() {
    return senderFinished && receive.lastWakerUnwoken() ? "lost wake-up" : "ok";
  }

  @Test
  public void modelCheck() {
    LinChecker.check(OneshotWakerSwapModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 4, /* invocationsPerIteration = */ 100)
        .threads(2)
        .actorsPerThread(3));
  }
}
