// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Poll;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class OneshotTest {

  @Test
  void pendingBeforeSendThenWokenOnceThenReady() {
    Oneshot.Channel<Long> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    Context cx = waker.context();

    assertTrue(ch.receiver().poll(cx).isPending());
    assertTrue(ch.receiver().poll(cx).isPending()); // same waker: still one registration
    assertEquals(0, waker.count());

    ch.sender().send(12L);
    assertEquals(1, waker.count());

    Poll<Long> p = ch.receiver().poll(cx);
    assertEquals(12L, p.get());
    assertEquals(1, waker.count());
  }

  @Test
  void aValueSentBeforeTheFirstPollIsReadyWithoutAWake() {
    Oneshot.Channel<String> ch = Oneshot.channel();
    ch.sender().send("shoes");
    CountingWaker waker = new CountingWaker();
    assertEquals("shoes", ch.receiver().poll(waker.context()).get());
    assertEquals(0, waker.count());
  }

  @Test
  void aNullValueIsAValue() {
    Oneshot.Channel<String> ch = Oneshot.channel();
    ch.sender().send(null);
    Poll<String> p = ch.receiver().poll(new CountingWaker().context());
    assertTrue(p.isReady());
    assertEquals(null, p.get());
  }

  @Test
  void onlyTheLatestWakerIsWoken() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    CountingWaker first = new CountingWaker();
    CountingWaker second = new CountingWaker();
    assertTrue(ch.receiver().poll(first.context()).isPending());
    assertTrue(ch.receiver().poll(second.context()).isPending());
    ch.sender().send(1);
    assertEquals(0, first.count());
    assertEquals(1, second.count());
  }

  @Test
  void aSecondSendThrows() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    ch.sender().send(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.sender().send(2));
    assertTrue(e.getMessage().contains("send called twice"), e.getMessage());
    assertEquals(1, ch.receiver().poll(new CountingWaker().context()).get());
  }

  @Test
  void aSendAfterCloseThrows() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    ch.sender().close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.sender().send(2));
    assertTrue(e.getMessage().contains("after close()"), e.getMessage());
  }

  @Test
  void pollingAfterReadyThrows() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    ch.sender().send(1);
    Context cx = new CountingWaker().context();
    ch.receiver().poll(cx);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ch.receiver().poll(cx));
    assertTrue(e.getMessage().contains("after it delivered its value"), e.getMessage());
  }

  /**
   * "Took the value" is the slot referring to its own cell: a receiver sent through its own channel
   * must still arrive as a value (boxed), not read as "taken".
   */
  @Test
  void aReceiverSentThroughItsOwnChannelArrivesAsAValue() {
    Oneshot.Channel<Object> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    assertTrue(ch.receiver().poll(waker.context()).isPending());
    ch.sender().send(ch.receiver());
    assertEquals(1, waker.count());
    assertTrue(ch.receiver().holdsValue());
    assertEquals("Oneshot.Receiver[sent]", ch.receiver().toString());
    assertSame(ch.receiver(), ch.receiver().poll(waker.context()).get());
    assertFalse(ch.receiver().holdsValue());
    assertEquals("Oneshot.Receiver[received]", ch.receiver().toString());
    IllegalStateException again =
        assertThrows(IllegalStateException.class, () -> ch.receiver().poll(waker.context()));
    assertTrue(again.getMessage().contains("after it delivered its value"), again.getMessage());
    IllegalStateException twice =
        assertThrows(IllegalStateException.class, () -> ch.sender().send(ch.receiver()));
    assertTrue(twice.getMessage().contains("send called twice"), twice.getMessage());
  }

  @Test
  void aTakenValueLeavesTheChannelReceivedForEverySideAndCall() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    assertEquals("Oneshot.Sender[empty]", ch.sender().toString());
    ch.sender().send(7);
    assertEquals("Oneshot.Sender[sent]", ch.sender().toString());
    assertEquals(7, ch.receiver().poll(new CountingWaker().context()).get());
    assertEquals("Oneshot.Sender[received]", ch.sender().toString());
    ch.receiver().drop(); // after the value was taken: nothing left to let go of
    assertEquals("Oneshot.Receiver[received]", ch.receiver().toString());
    ch.sender().close(); // does nothing: the value was sent
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.sender().send(8));
    assertTrue(e.getMessage().contains("send called twice"), e.getMessage());
  }

  @Test
  void aSendAfterTheReceiverWasDroppedKeepsNothingAndCountsAsSent() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    ch.receiver().drop();
    ch.sender().send(3);
    assertFalse(ch.receiver().holdsValue());
    assertEquals("Oneshot.Receiver[received]", ch.receiver().toString());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.sender().send(4));
    assertTrue(e.getMessage().contains("send called twice"), e.getMessage());
  }

  @Test
  void closeWakesTheReceiverWhichFailsSayingTheSenderWentAway() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    assertTrue(ch.receiver().poll(waker.context()).isPending());
    ch.sender().close();
    assertEquals(1, waker.count());
    ChannelClosedException e =
        assertThrows(ChannelClosedException.class, () -> ch.receiver().poll(waker.context()));
    assertTrue(e.getMessage().contains("closed without sending"), e.getMessage());
    // Once failed, it stays finished.
    assertThrows(IllegalStateException.class, () -> ch.receiver().poll(waker.context()));
  }

  @Test
  void closeAfterSendKeepsTheValue() {
    Oneshot.Channel<Integer> ch = Oneshot.channel();
    ch.sender().send(5);
    ch.sender().close();
    ch.sender().close();
    assertEquals(5, ch.receiver().poll(new CountingWaker().context()).get());
  }

  @Test
  void anAbandonedSenderFailsTheBlockedReceiver() {
    // The sender becomes unreachable when this frame's only reference goes; the cleaner thread
    // then closes the channel and wakes blockOn, which parks until that happens. GC is requested
    // from a helper so the receiving thread can really block.
    Oneshot.Receiver<Integer> receiver = Oneshot.<Integer>channel().receiver();
    try (Collector collector = new Collector()) {
      ChannelClosedException e =
          assertThrows(ChannelClosedException.class, () -> Async.blockOn(receiver));
      assertTrue(e.getMessage().contains("garbage-collected without sending"), e.getMessage());
    }
  }

  @Test
  void aSendFromAnotherThreadRacingTheFirstPollIsNeverLost() throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      for (int i = 0; i < 20_000; i++) {
        Oneshot.Channel<Integer> ch = Oneshot.channel();
        CountingWaker waker = new CountingWaker();
        int value = i;
        java.util.concurrent.Future<?> sent = worker.submit(() -> {
          start.await();
          ch.sender().send(value);
          return null;
        });
        start.await();
        Poll<Integer> first = ch.receiver().poll(waker.context());
        sent.get(); // the send has finished
        if (first.isReady()) {
          assertEquals(value, first.get());
          assertEquals(0, waker.count());
        } else {
          assertEquals(1, waker.count(), "a pending poll must be woken exactly once");
          assertEquals(value, ch.receiver().poll(waker.context()).get());
        }
      }
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  void aCloseFromAnotherThreadRacingTheFirstPollIsNeverLost() throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      for (int i = 0; i < 20_000; i++) {
        Oneshot.Channel<Integer> ch = Oneshot.channel();
        CountingWaker waker = new CountingWaker();
        java.util.concurrent.Future<?> closed = worker.submit(() -> {
          start.await();
          ch.sender().close();
          return null;
        });
        start.await();
        boolean pending;
        try {
          pending = ch.receiver().poll(waker.context()).isPending();
        } catch (ChannelClosedException e) {
          pending = false;
        }
        closed.get();
        if (pending) {
          assertEquals(1, waker.count());
          assertThrows(ChannelClosedException.class, () -> ch.receiver().poll(waker.context()));
        } else {
          assertEquals(0, waker.count());
        }
      }
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  void aReceiverASelectDroppedSaysSoWhenPolledAgain() {
    // tokio's select! loop over one receiver, written with a receiver given to each select: the
    // first select that another future wins drops it (found by the stop's new-user campaign,
    // whose message said the receiver had "already completed").
    Oneshot.Channel<String> stop = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    dev.tinyrt.Future<dev.tinyrt.Futures.Selected<String>> first = dev.tinyrt.Futures.select(
        java.util.List.of(stop.receiver(), dev.tinyrt.Future.ready("work")));
    assertEquals("work", first.poll(waker.context()).get().value());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> stop.receiver().poll(waker.context()));
    assertTrue(e.getMessage().startsWith("Oneshot.Receiver polled after it was dropped"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Tasks.spawn(receiver)"), e.getMessage());
  }
}
