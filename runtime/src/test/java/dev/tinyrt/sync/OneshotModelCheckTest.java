// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the interleavings of sends, closes and the receiver's polls on a oneshot and
 * checks each outcome against the sequential runs, including the check that a receiver left
 * pending was woken once the sender finished: no lost wake-up.
 */
public class OneshotModelCheckTest {

  private final Oneshot.Sender<Integer> sender;
  private final Oneshot.Receiver<Integer> receiver;
  private final AtomicInteger wakes = new AtomicInteger();
  private final Context cx = Context.from(wakes::incrementAndGet);

  /** What the receiver's last poll saw: 0 none, 1 pending, 2 done. */
  private volatile int lastPoll;

  /** Set once a send or close returned. */
  private volatile boolean senderFinished;

  /** A fresh channel for each scenario Lincheck runs. */
  public OneshotModelCheckTest() {
    Oneshot.Channel<Integer> channel = Oneshot.channel();
    sender = channel.sender();
    receiver = channel.receiver();
  }

  /** Sender operations run on one thread at a time: a oneshot has one sender. */
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

  @Operation(nonParallelGroup = "sender")
  public void close() {
    sender.close();
    senderFinished = true;
  }

  @Operation(nonParallelGroup = "receiver")
  public String poll() {
    if (lastPoll == 2) {
      return "finished";
    }
    try {
      Poll<Integer> p = receiver.poll(cx);
      lastPoll = p.isPending() ? 1 : 2;
      return p.isPending() ? "pending" : "value " + p.get();
    } catch (ChannelClosedException e) {
      lastPoll = 2;
      return "closed";
    }
  }

  /**
   * A receiver whose last poll was pending must have been woken once the sender finished (send
   * wakes before it returns). No sequential run answers "lost wake-up", so Lincheck fails any
   * interleaving that does.
   */
  @Operation
  public String check() {
    return lastPoll == 1 && senderFinished && wakes.get() == 0 ? "lost wake-up" : "ok";
  }

  @Test
  public void modelCheck() {
    LinChecker.check(OneshotModelCheckTest.class, new ModelCheckingOptions()
        .iterations(40)
        .invocationsPerIteration(500)
        .threads(2)
        .actorsPerThread(3));
  }
}
