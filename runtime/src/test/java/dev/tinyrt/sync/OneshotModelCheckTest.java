// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import dev.tinyrt.Context;
import dev.tinyrt.DeepCheck;
import dev.tinyrt.Poll;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.junit.jupiter.api.Test;

/**
 * Lincheck explores the interleavings of sends, closes and the receiver's polls on a oneshot and
 * checks each outcome against the sequential runs; after the scenario, a validation function
 * checks the wakes themselves: a receiver left pending once the sender finished was woken, and
 * never more than once.
 *
 * <p>The wake is checked in {@link #wakesAreExact()}, not in an operation's result: Lincheck
 * accepts any result some sequential run also gives, so a wake lost in every run (a {@code close}
 * that forgets to wake, say) would pass as an operation's answer. And the scenario has no init or
 * post part: a poll after the parallel part would take the value and hide a lost wake.
 */
public class OneshotModelCheckTest {

  private final Oneshot.Sender<Integer> sender;
  private final Oneshot.Receiver<Integer> receiver;

  /** Wakes of the receiver's one waker. */
  private final AtomicInteger wakes = new AtomicInteger();

  /** The receiver's context, the same at every poll as a task's is. */
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
   * Run by Lincheck after each part of a scenario, when no operation runs: a receiver whose last
   * poll was pending must have been woken once the sender finished (send and close wake before
   * they return), and one outcome wakes the one registered waker at most once.
   */
  @Validate
  public void wakesAreExact() {
    int n = wakes.get();
    if (lastPoll == 1 && senderFinished && n == 0) {
      throw new IllegalStateException("lost wake-up: the receiver's last poll was pending, the "
          + "sender finished, and the receiver's waker was never woken");
    }
    if (n > 1) {
      throw new IllegalStateException("the receiver's waker was woken " + n + " times for one "
          + "send or close");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(OneshotModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 10, /* invocationsPerIteration = */ 200)
        .threads(2)
        .actorsPerThread(3)
        // No sequential prefix or suffix: a send before would leave nothing to race, a poll after
        // would take the value and hide a lost wake.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
