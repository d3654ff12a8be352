// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import org.junit.jupiter.api.Test;

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
}
