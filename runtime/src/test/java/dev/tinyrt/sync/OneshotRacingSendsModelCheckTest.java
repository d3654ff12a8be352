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
 * Lincheck explores sends racing each other on one oneshot sender (a misuse the channel must
 * survive: exactly one send wins, the other throws) while the receiver polls and is dropped. The
 * send is one compare-and-set on the channel's slot; {@link OneshotModelCheckTest} keeps the
 * sender's operations on one thread and has no drop.
 *
 * <p>Checked after the scenario ({@link #exactlyOneSendAndNothingLeft()}): at most one send
 * returned normally, a value the receiver got is the one that send carried, the receiver's waker
 * was woken at most once, and a dropped receiver's channel holds neither its waker nor a value
 * (whether a send that raced the drop woke it does not matter: the drop gave up on the wake).
 */
public class OneshotRacingSendsModelCheckTest {

  private final Oneshot.Sender<Integer> sender;
  private final Oneshot.Receiver<Integer> receiver;

  /** Wakes of the receiver's one waker. */
  private final AtomicInteger wakes = new AtomicInteger();

  /** The receiver's context, the same at every poll as a task's is. */
  private final Context cx = Context.from(wakes::incrementAndGet);

  /** Sends that returned normally. */
  private final AtomicInteger sends = new AtomicInteger();

  /** The value of the send that returned normally. */
  private volatile Integer sent;

  /** The value the receiver got, if it got one. */
  private volatile Integer delivered;

  /** What the receiver's last poll saw: 0 none, 1 pending (and then it was dropped), 2 done. */
  private volatile int lastPoll;

  /** Set once the receiver was dropped. */
  private volatile boolean dropped;

  /** A fresh channel for each scenario Lincheck runs. */
  public OneshotRacingSendsModelCheckTest() {
    Oneshot.Channel<Integer> channel = Oneshot.channel();
    sender = channel.sender();
    receiver = channel.receiver();
  }

  /** Sends from any thread, racing the other sends: the misuse under test. */
  @Operation
  public String send(int v) {
    try {
      sender.send(v);
      sent = v;
      sends.incrementAndGet();
      return "sent";
    } catch (IllegalStateException e) {
      return "refused";
    }
  }

  /**
   * The receiver's one operation: polls and, if the poll is pending, drops the receiver (the task
   * awaiting it gave up), so every scenario that has it races a drop against the sends.
   */
  @Operation(nonParallelGroup = "receiver")
  public String pollThenDrop() {
    if (dropped) {
      return "dropped";
    }
    if (lastPoll == 2) {
      return "finished";
    }
    Poll<Integer> p = receiver.poll(cx);
    if (p.isPending()) {
      lastPoll = 1;
      receiver.drop();
      dropped = true;
      return "pending, dropped";
    }
    lastPoll = 2;
    delivered = p.get();
    return "value " + p.get();
  }

  /** Run by Lincheck after each part of a scenario, when no operation runs. */
  @Validate
  public void exactlyOneSendAndNothingLeft() {
    if (sends.get() > 1) {
      throw new IllegalStateException(sends.get() + " sends returned normally on one oneshot");
    }
    if (delivered != null && !delivered.equals(sent)) {
      throw new IllegalStateException("the receiver got " + delivered + " but the send that "
          + "returned normally carried " + sent);
    }
    int n = wakes.get();
    if (n > 1) {
      throw new IllegalStateException("the receiver's waker was woken " + n + " times");
    }
    if (dropped && receiver.holdsWaker()) {
      throw new IllegalStateException("a dropped receiver's channel still holds its waker");
    }
    if (dropped && receiver.holdsValue()) {
      throw new IllegalStateException("a dropped receiver's channel still holds a value");
    }
  }

  @Test
  public void modelCheck() {
    LinChecker.check(OneshotRacingSendsModelCheckTest.class, DeepCheck.modelChecking(
            /* iterations = */ 6, /* invocationsPerIteration = */ 100)
        .threads(3)
        .actorsPerThread(2)
        // No sequential prefix or suffix: a send before would leave nothing to race, a poll after
        // would take the value and hide a lost wake.
        .actorsBefore(0)
        .actorsAfter(0));
  }
}
