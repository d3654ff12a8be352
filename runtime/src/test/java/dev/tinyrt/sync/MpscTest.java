// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MpscTest {

  final CountingWaker rx = new CountingWaker();
  final CountingWaker tx = new CountingWaker();

  @Test
  void valuesArriveInOrderAndARecvWaitsForTheNext() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    Future<String> first = ch.receiver().recv();
    assertTrue(first.poll(rx.context()).isPending());
    assertTrue(ch.sender().send("a").poll(tx.context()).isReady());
    assertEquals(1, rx.count());
    assertEquals("a", first.poll(rx.context()).get());
    ch.sender().trySend("b");
    ch.sender().trySend("c");
    assertEquals("b", ch.receiver().recv().poll(rx.context()).get());
    assertEquals("c", ch.receiver().tryRecv());
    assertNull(ch.receiver().tryRecv());
  }

  @Test
  void aFullBoundedChannelMakesSendersWaitInOrder() {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
    assertTrue(ch.sender().send(1).poll(tx.context()).isReady());
    CountingWaker second = new CountingWaker();
    CountingWaker third = new CountingWaker();
    Future<Void> s2 = ch.sender().send(2);
    Future<Void> s3 = ch.sender().send(3);
    assertTrue(s2.poll(second.context()).isPending());
    assertTrue(s3.poll(third.context()).isPending());
    assertFalse(ch.sender().trySend(9), "full");

    assertEquals(1, ch.receiver().tryRecv());
    assertEquals(1, second.count(), "the first waiting sender is told there is room");
    assertEquals(0, third.count());
    assertTrue(s3.poll(third.context()).isPending(), "the second waits its turn");
    assertTrue(s2.poll(second.context()).isReady());
    assertEquals(2, ch.receiver().tryRecv());
    assertEquals(1, third.count());
    assertTrue(s3.poll(third.context()).isReady());
    assertEquals(3, ch.receiver().tryRecv());
  }

  @Test
  void anAbandonedWaitingSendPassesItsTurnOn() {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
    ch.sender().trySend(1);
    CountingWaker second = new CountingWaker();
    CountingWaker third = new CountingWaker();
    Future<Void> s2 = ch.sender().send(2);
    Future<Void> s3 = ch.sender().send(3);
    s2.poll(second.context());
    s3.poll(third.context());
    assertEquals(1, ch.receiver().tryRecv()); // s2 is told
    ((Droppable) s2).drop(); // ... but gives up
    assertEquals(1, third.count(), "its turn goes to the next sender");
    assertTrue(s3.poll(third.context()).isReady());
    assertEquals(3, ch.receiver().tryRecv());
    assertNull(ch.receiver().tryRecv(), "the abandoned send sent nothing");
  }

  @Test
  void closingTheSenderLetsTheReceiverDrainThenGivesNull() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    ch.sender().trySend("last");
    Future<String> wait = ch.receiver().recv();
    assertEquals("last", wait.poll(rx.context()).get());
    Future<String> next = ch.receiver().recv();
    assertTrue(next.poll(rx.context()).isPending());
    ch.sender().close();
    assertEquals(1, rx.count());
    assertNull(next.poll(rx.context()).get());
    assertTrue(ch.receiver().isSenderClosed());
    assertThrows(IllegalStateException.class, () -> ch.sender().trySend("late"));
  }

  @Test
  void closingTheReceiverFailsWaitingAndLaterSends() {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
    ch.sender().trySend(1);
    Future<Void> waiting = ch.sender().send(2);
    assertTrue(waiting.poll(tx.context()).isPending());
    ch.receiver().close();
    assertEquals(1, tx.count());
    ChannelClosedException e =
        assertThrows(ChannelClosedException.class, () -> waiting.poll(tx.context()));
    assertTrue(e.getMessage().contains("Receiver was closed"), e.getMessage());
    assertTrue(ch.sender().isClosed());
    assertThrows(ChannelClosedException.class, () -> ch.sender().trySend(3));
  }

  @Test
  void anAbandonedSenderClosesTheChannel() {
    Mpsc.Receiver<Integer> receiver = Mpsc.<Integer>bounded(4).receiver();
    try (Collector collector = new Collector()) {
      assertNull(Async.blockOn(receiver.recv()));
    }
  }

  @Test
  void manyProducerThreadsOneConsumerEveryValueOnce() throws Exception {
    int producers = 4;
    int each = 20_000;
    Mpsc.Channel<Integer> ch = Mpsc.bounded(8);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * each;
      Thread t = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          Async.blockOn(ch.sender().send(base + i));
        }
      });
      threads.add(t);
      t.start();
    }
    BitSet seen = new BitSet();
    int[] lastOfProducer = new int[producers];
    java.util.Arrays.fill(lastOfProducer, -1);
    for (int n = 0; n < producers * each; n++) {
      int v = Async.blockOn(ch.receiver().recv());
      assertFalse(seen.get(v), "received twice: " + v);
      seen.set(v);
      int producer = v / each;
      assertTrue(v > lastOfProducer[producer], "each producer's values stay in order");
      lastOfProducer[producer] = v;
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(producers * each, seen.cardinality());
    assertNull(ch.receiver().tryRecv());
  }

  @Test
  void closeWakesEveryReceiveWaitingOnASharedReceiver() {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
    List<Future<Integer>> receives = new ArrayList<>();
    List<CountingWaker> wakers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Future<Integer> r = ch.receiver().recv();
      CountingWaker w = new CountingWaker();
      assertTrue(r.poll(w.context()).isPending());
      receives.add(r);
      wakers.add(w);
    }
    ch.sender().close();
    for (int i = 0; i < 4; i++) {
      assertEquals(1, wakers.get(i).count(), "worker " + i + " is woken by the close");
      assertNull(receives.get(i).poll(wakers.get(i).context()).get());
    }
  }

  @Test
  void eachValueWakesOneWaitingReceiveFirstComeFirstServed() {
    Mpsc.Channel<String> ch = Mpsc.bounded(1);
    CountingWaker w1 = new CountingWaker();
    CountingWaker w2 = new CountingWaker();
    Future<String> r1 = ch.receiver().recv();
    Future<String> r2 = ch.receiver().recv();
    assertTrue(r1.poll(w1.context()).isPending());
    assertTrue(r2.poll(w2.context()).isPending());
    assertTrue(ch.sender().trySend("a"));
    assertEquals(1, w1.count());
    assertEquals(0, w2.count(), "one value wakes one receive");
    assertTrue(ch.sender().trySend("b"), "a handed value takes no room");
    assertEquals(1, w2.count());
    assertEquals("b", r2.poll(w2.context()).get());
    assertEquals("a", r1.poll(w1.context()).get());
  }

  @Test
  void aWokenReceiveAbandonedBeforeTakingItsValuePassesItOn() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    CountingWaker w1 = new CountingWaker();
    CountingWaker w2 = new CountingWaker();
    Future<String> r1 = ch.receiver().recv();
    Future<String> r2 = ch.receiver().recv();
    assertTrue(r1 instanceof Droppable);
    r1.poll(w1.context());
    r2.poll(w2.context());
    ch.sender().trySend("job");
    assertEquals(1, w1.count());
    ((Droppable) r1).drop();
    assertEquals(1, w2.count(), "the value is not stranded while a receive waits");
    assertEquals("job", r2.poll(w2.context()).get());
    assertNull(ch.receiver().tryRecv());
  }

  @Test
  void aReceiveAbandonedWithAValueAndNobodyWaitingPutsItBackFirst() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    Future<String> r = ch.receiver().recv();
    r.poll(rx.context());
    ch.sender().trySend("first");
    ch.sender().trySend("second");
    ((Droppable) r).drop();
    assertEquals("first", ch.receiver().tryRecv(), "order is kept");
    assertEquals("second", ch.receiver().tryRecv());
  }

  @Test
  void aValueHandedBackAfterReceiverCloseIsDropped() {
    // The one receive waits in the lock-free slot; the send hands its value over there.
    Mpsc.Channel<Long> ch = Mpsc.unbounded();
    Future<Long> waiting = ch.receiver().recv();
    assertTrue(waiting.poll(rx.context()).isPending());
    assertTrue(ch.sender().trySend(1L), "handed to the receive in the slot");
    ch.receiver().close(); // queued values are dropped, waiting receives give null
    ((Droppable) waiting).drop(); // abandoned: its value must not come back
    assertNull(ch.receiver().recv().poll(rx.context()).get(),
        "after Receiver.close() a recv gives null");
    assertNull(ch.receiver().tryRecv());
  }

  @Test
  void aValueHandedBackFromTheWaitQueueAfterReceiverCloseIsDropped() {
    // Two receives wait, so the lock is in charge and the value is granted through the queue.
    Mpsc.Channel<Long> ch = Mpsc.unbounded();
    CountingWaker w2 = new CountingWaker();
    Future<Long> first = ch.receiver().recv();
    Future<Long> second = ch.receiver().recv();
    assertTrue(first.poll(rx.context()).isPending());
    assertTrue(second.poll(w2.context()).isPending());
    assertTrue(ch.sender().trySend(7L));
    assertEquals(1, rx.count(), "the value went to the first receive");
    ch.receiver().close();
    assertEquals(1, w2.count(), "close wakes the receive still waiting");
    ((Droppable) first).drop();
    assertNull(second.poll(w2.context()).get(), "the dropped value is not passed on after close");
    assertNull(ch.receiver().recv().poll(rx.context()).get());
  }

  @Test
  void closingTheReceiverEndsWaitingReceivesToo() {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    Future<Integer> r = ch.receiver().recv();
    assertTrue(r.poll(rx.context()).isPending());
    ch.receiver().close();
    assertEquals(1, rx.count());
    assertNull(r.poll(rx.context()).get());
  }

  @Test
  void aSendWhoseSlotWasKeptAndThatHandsItsValueOverFreesTheSlotForTheNext() {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
    ch.sender().trySend(1);
    CountingWaker second = new CountingWaker();
    CountingWaker third = new CountingWaker();
    Future<Void> s2 = ch.sender().send(2);
    Future<Void> s3 = ch.sender().send(3);
    s2.poll(second.context());
    s3.poll(third.context());
    assertEquals(1, ch.receiver().tryRecv()); // s2 is given the slot
    Future<Integer> r = ch.receiver().recv();
    assertTrue(r.poll(rx.context()).isPending());
    assertTrue(s2.poll(second.context()).isReady()); // hands 2 straight to r
    assertEquals(1, third.count(), "the slot kept for s2 was not used: s3 gets it");
    assertEquals(2, r.poll(rx.context()).get());
    assertTrue(s3.poll(third.context()).isReady());
    assertEquals(3, ch.receiver().tryRecv());
  }

  @Test
  void fourWorkerThreadsShareOneReceiverAndAllStopAtClose() throws Exception {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
    int values = 20_000;
    int workers = 4;
    java.util.concurrent.ConcurrentLinkedQueue<Integer> got =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(() -> {
        for (Integer v; (v = Async.blockOn(ch.receiver().recv())) != null; ) {
          got.add(v);
        }
      }, "worker-" + i);
      threads.add(t);
      t.start();
    }
    for (int i = 0; i < values; i++) {
      Async.blockOn(ch.sender().send(i));
    }
    ch.sender().close();
    for (Thread t : threads) {
      t.join(); // a worker left waiting after the close hangs here (the class has a timeout)
    }
    BitSet seen = new BitSet();
    for (int v : got) {
      assertFalse(seen.get(v), "received twice: " + v);
      seen.set(v);
    }
    assertEquals(values, seen.cardinality());
  }
}
