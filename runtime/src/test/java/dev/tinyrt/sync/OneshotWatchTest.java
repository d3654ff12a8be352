// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The receiver is also the phantom reference that watches its sender for abandonment ({@link
 * OneshotCell}). The watch runs until the sender sends or closes or the receiver is dropped, and
 * then stops (its referent cleared, so the collector never queues it) on the JDKs where that is
 * cheap ({@link OneshotCell#STOPS_WATCH}: JDK 24 on); where it runs on, a finished channel it
 * reports is left as it is. The {@code Reference} methods a user can call on a receiver ({@code
 * clear}, {@code enqueue}) change nothing.
 */
@Timeout(120)
class OneshotWatchTest {

  /** Sent channels whose senders are then collected. */
  private static final int SENT = 10_000;

  /** @return a receiver pending with a waker that counts {@code woken} down; its sender is gone */
  private static Oneshot.Receiver<Integer> abandoned(CountDownLatch woken, boolean userClears) {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    Oneshot.Receiver<Integer> r = ch.receiver();
    if (userClears) {
      r.clear();
    }
    assertTrue(r.poll(Context.from(woken::countDown)).isPending());
    return r;
  }

  @Test
  void theWatchRefersToTheSenderUntilItSendsClosesOrTheReceiverIsDropped() {
    Oneshot.Channel<Integer> sent = Oneshot.channel();
    assertTrue(sent.receiver().refersTo(sent.sender()));
    assertNull(sent.receiver().get(), "a phantom reference never gives its referent");
    sent.sender().send(1);
    assertEquals(OneshotCell.STOPS_WATCH, sent.receiver().refersTo(null), "a send stops the watch");

    Oneshot.Channel<Integer> closed = Oneshot.channel();
    closed.sender().close();
    assertEquals(OneshotCell.STOPS_WATCH, closed.receiver().refersTo(null),
        "a close stops the watch");

    Oneshot.Channel<Integer> dropped = Oneshot.channel();
    assertTrue(dropped.receiver().poll(new CountingWaker().context()).isPending());
    dropped.receiver().drop();
    assertEquals(OneshotCell.STOPS_WATCH, dropped.receiver().refersTo(null),
        "a drop stops the watch");
    dropped.sender().send(2); // the sender may still send: the value is let go of
    assertFalse(dropped.receiver().holdsValue());
  }

  @Test
  void aUsersClearOrEnqueueChangesNothing() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    assertTrue(ch.receiver().poll(waker.context()).isPending());

    ch.receiver().clear();
    assertTrue(ch.receiver().refersTo(ch.sender()), "clear() must not stop the watch");
    assertFalse(ch.receiver().enqueue(), "enqueue() must not report the sender gone");
    assertTrue(ch.receiver().refersTo(ch.sender()), "enqueue() must not stop the watch");
    assertEquals("Oneshot.Receiver[receiver waiting]", ch.receiver().toString());

    ch.sender().send(7);
    assertEquals(1, waker.count());
    assertEquals(7, ch.receiver().poll(waker.context()).get());
  }

  @Test
  void aSenderCollectedWithoutSendingStillClosesAfterTheUserCalledClear() throws Exception {
    CountDownLatch woken = new CountDownLatch(1);
    Oneshot.Receiver<Integer> r = abandoned(woken, /* userClears = */ true);
    AbandonedSendersTest.awaitWakes(woken);
    assertFalse(r.holdsWaker(), "the channel let go of the waker it woke");
    ChannelClosedException e =
        assertThrows(ChannelClosedException.class, () -> r.poll(new CountingWaker().context()));
    assertTrue(e.getMessage().contains("garbage-collected"), e.getMessage());
  }

  @Test
  void aSentChannelWhoseSenderIsCollectedIsNeverReported() throws Exception {
    long taken = AbandonedOneshotSenders.taken();
    long foundFinished = AbandonedOneshotSenders.foundFinished();
    List<Oneshot.Receiver<Integer>> receivers = new ArrayList<>(SENT);
    CountingWaker waker = new CountingWaker();
    for (int i = 0; i < SENT; i++) {
      Oneshot.Channel<Integer> ch = Oneshot.channel();
      assertTrue(ch.receiver().poll(waker.context()).isPending());
      ch.sender().send(i);
      assertEquals(OneshotCell.STOPS_WATCH, ch.receiver().refersTo(null),
          "the send stopped the watch");
      receivers.add(ch.receiver());
    }
    // The senders are all unreachable now. A control channel abandoned after them: once its
    // receiver is woken, the collector has run over every sender above as well. A second one
    // gives the abandonment thread time to take whatever else it was given.
    for (int control = 0; control < 2; control++) {
      CountDownLatch woken = new CountDownLatch(1);
      Oneshot.Receiver<Integer> r = abandoned(woken, /* userClears = */ false);
      AbandonedSendersTest.awaitWakes(woken);
      assertThrows(ChannelClosedException.class, () -> r.poll(new CountingWaker().context()));
    }
    assertEquals(SENT, waker.count(), "each sent receiver woken once");
    for (int i = 0; i < SENT; i++) {
      assertEquals(i, receivers.get(i).poll(waker.context()).get(), "no spurious close");
    }
    assertTrue(AbandonedOneshotSenders.taken() - taken >= 2, "the controls went through the queue");
    if (OneshotCell.STOPS_WATCH) {
      assertEquals(0, AbandonedOneshotSenders.foundFinished() - foundFinished,
          "the abandonment thread was given finished channels");
    }
  }
}
