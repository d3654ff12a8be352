// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BroadcastWatchTest {

  final CountingWaker a = new CountingWaker();
  final CountingWaker b = new CountingWaker();

  @Test
  void everyReceiverGetsEveryValue() {
    Broadcast.Sender<String> tx = Broadcast.channel(4);
    Broadcast.Receiver<String> r1 = tx.subscribe();
    Broadcast.Receiver<String> r2 = tx.subscribe();
    Future<String> w1 = r1.recv();
    Future<String> w2 = r2.recv();
    assertTrue(w1.poll(a.context()).isPending());
    assertTrue(w2.poll(b.context()).isPending());
    tx.send("x");
    assertEquals(1, a.count());
    assertEquals(1, b.count());
    assertEquals("x", w1.poll(a.context()).get());
    assertEquals("x", w2.poll(b.context()).get());
  }

  @Test
  void aLaggingReceiverIsToldHowManyItMissedThenGoesOn() {
    Broadcast.Sender<Integer> tx = Broadcast.channel(2);
    Broadcast.Receiver<Integer> slow = tx.subscribe();
    for (int i = 0; i < 5; i++) {
      tx.send(i);
    }
    LaggedException e =
        assertThrows(LaggedException.class, () -> slow.recv().poll(a.context()));
    assertEquals(3, e.skipped());
    assertEquals(3, slow.recv().poll(a.context()).get());
    assertEquals(4, slow.recv().poll(a.context()).get());
  }

  @Test
  void closingTheBroadcastGivesNullAfterTheRest() {
    Broadcast.Sender<Integer> tx = Broadcast.channel(2);
    Broadcast.Receiver<Integer> r = tx.subscribe();
    tx.send(1);
    tx.close();
    assertEquals(1, r.recv().poll(a.context()).get());
    assertNull(r.recv().poll(a.context()).get());
  }

  @Test
  void watchKeepsOnlyTheLatestValue() {
    Watch.Channel<String> ch = Watch.channel("v0");
    assertEquals("v0", ch.receiver().borrow());
    Future<String> changed = ch.receiver().changed();
    assertTrue(changed.poll(a.context()).isPending());
    ch.sender().send("v1");
    ch.sender().send("v2");
    assertEquals(1, a.count());
    assertEquals("v2", changed.poll(a.context()).get(), "values in between are not queued");
    assertTrue(ch.receiver().changed().poll(a.context()).isPending());
    Watch.Receiver<String> late = ch.sender().subscribe();
    assertEquals("v2", late.borrow());
  }

  @Test
  void aClosedWatchFailsWaitingReceivers() {
    Watch.Channel<Integer> ch = Watch.channel(0);
    Future<Integer> changed = ch.receiver().changed();
    assertTrue(changed.poll(a.context()).isPending());
    ch.sender().close();
    assertEquals(1, a.count());
    assertThrows(ChannelClosedException.class, () -> changed.poll(a.context()));
  }

  @Test
  void aGarbageCollectedBroadcastSenderClosesTheChannel() {
    Broadcast.Receiver<Integer> receiver = Broadcast.<Integer>channel(4).subscribe();
    try (Collector collector = new Collector()) {
      assertNull(Async.blockOn(receiver.recv()));
    }
  }

  @Test
  void aGarbageCollectedWatchSenderFailsChanged() {
    Watch.Receiver<Integer> receiver = Watch.channel(0).receiver();
    try (Collector collector = new Collector()) {
      ChannelClosedException e =
          assertThrows(ChannelClosedException.class, () -> Async.blockOn(receiver.changed()));
      assertTrue(e.getMessage().contains("garbage-collected"), e.getMessage());
    }
    assertEquals(0, receiver.borrow(), "the last value stays readable");
  }

  @Test
  void aClosedWatchStillGivesTheValueNotSeenThenFails() {
    Watch.Channel<Integer> ch = Watch.channel(0);
    ch.sender().send(1);
    ch.sender().close();
    ch.sender().close(); // idempotent
    assertEquals(1, ch.receiver().changed().poll(a.context()).get());
    assertThrows(ChannelClosedException.class, () -> ch.receiver().changed().poll(a.context()));
    assertThrows(IllegalStateException.class, () -> ch.sender().send(2));
  }

  @Test
  void anAbandonedRecvOrChangedLeavesTheQueueAndIsNotWoken() {
    Broadcast.Sender<Integer> tx = Broadcast.channel(2);
    Broadcast.Receiver<Integer> rx = tx.subscribe();
    Future<Integer> dropped = rx.recv();
    Future<Integer> kept = rx.recv();
    assertTrue(dropped.poll(a.context()).isPending());
    assertTrue(kept.poll(b.context()).isPending());
    ((Droppable) dropped).drop();
    assertEquals(1, tx.waitingReceives());
    tx.send(5);
    assertEquals(0, a.count());
    assertEquals(1, b.count());
    assertEquals(5, kept.poll(b.context()).get(), "the abandoned recv lost nothing");

    Watch.Channel<Integer> ch = Watch.channel(0);
    Future<Integer> gone = ch.receiver().changed();
    assertTrue(gone.poll(a.context()).isPending());
    ((Droppable) gone).drop();
    assertEquals(0, ch.sender().waitingReceives());
    ch.sender().send(1);
    assertEquals(0, a.count());
    assertEquals(1, ch.receiver().changed().poll(a.context()).get());
  }

  @Test
  void aRecvWokenByALaterValueThatWasAlreadyTakenWaitsAgain() {
    Broadcast.Sender<Integer> tx = Broadcast.channel(4);
    Broadcast.Receiver<Integer> rx = tx.subscribe();
    Future<Integer> first = rx.recv();
    Future<Integer> second = rx.recv();
    assertTrue(first.poll(a.context()).isPending());
    assertTrue(second.poll(b.context()).isPending());
    tx.send(1);
    assertEquals(1, first.poll(a.context()).get());
    assertTrue(second.poll(b.context()).isPending(), "the one value went to the first recv");
    tx.send(2);
    assertEquals(2, b.count());
    assertEquals(2, second.poll(b.context()).get());
  }
}
