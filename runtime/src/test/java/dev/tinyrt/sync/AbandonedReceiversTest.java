// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mpsc receivers garbage-collected while sends wait for room, in bulk (10,000 channels): the
 * consumer task of each was cancelled or failed without closing its receiver. Every waiting send
 * is woken and fails with {@link ChannelClosedException}, as after {@code Receiver.close()}, and
 * later sends fail at once; before, the producers waited for ever and the task dump said only
 * that they awaited a send (found by a new user; it failed before). The test waits on a latch the
 * wakers count down, collecting meanwhile ({@link AbandonedSendersTest#awaitWakes}).
 */
@Timeout(120)
class AbandonedReceiversTest {

  /** Channels whose receiver is dropped. */
  private static final int CHANNELS = 10_000;

  @Test
  void sendsWaitingForRoomWhenTheReceiverIsCollectedAreWokenAndFail() throws Exception {
    CountDownLatch woken = new CountDownLatch(CHANNELS);
    Context cx = Context.from(woken::countDown);
    List<Mpsc.Sender<Integer>> senders = new ArrayList<>(CHANNELS);
    List<Future<Void>> sends = new ArrayList<>(CHANNELS);
    for (int i = 0; i < CHANNELS; i++) {
      Mpsc.Sender<Integer> tx = Mpsc.<Integer>bounded(1).sender(); // the receiver: unreachable
      assertTrue(tx.trySend(1), "room for one");
      Future<Void> send = tx.send(2);
      assertTrue(send.poll(cx).isPending(), "full: it waits for room");
      senders.add(tx);
      sends.add(send);
    }
    AbandonedSendersTest.awaitWakes(woken);
    for (int i = 0; i < CHANNELS; i++) {
      Future<Void> send = sends.get(i);
      assertThrows(ChannelClosedException.class, () -> send.poll(cx));
      Mpsc.Sender<Integer> tx = senders.get(i);
      assertTrue(tx.isClosed(), "the receiving side is closed");
      assertEquals(0, tx.waitingSends(), "no send left waiting");
      assertThrows(ChannelClosedException.class, () -> tx.trySend(3));
    }
  }
}
