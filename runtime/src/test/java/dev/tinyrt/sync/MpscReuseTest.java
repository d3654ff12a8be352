// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The futures {@code recv()} and {@code send(v)} hand out again, and the rule in {@link Mpsc}. */
@Timeout(60)
class MpscReuseTest {

  final CountingWaker rx = new CountingWaker();
  final CountingWaker tx = new CountingWaker();

  @Test
  void aReceiveCompletedOnThisThreadIsHandedOutAgainAndGetsTheNextValue() {
    Mpsc.Channel<String> ch = Mpsc.bounded(1);
    Future<String> first = ch.receiver().recv();
    assertTrue(first.poll(rx.context()).isPending());
    assertTrue(ch.sender().send("a").poll(tx.context()).isReady());
    assertEquals("a", first.poll(rx.context()).get());

    Future<String> second = ch.receiver().recv();
    assertSame(first, second, "completed on this thread without the lock: reused");
    assertTrue(second.poll(rx.context()).isPending(), "fresh again: it waits for the next value");
    assertTrue(ch.sender().send("b").poll(tx.context()).isReady());
    assertEquals(2, rx.count());
    assertEquals("b", second.poll(rx.context()).get());

    assertTrue(ch.sender().send("c").poll(tx.context()).isReady());
    assertEquals("c", ch.receiver().recv().poll(rx.context()).get(), "a value already there");
    assertEquals(0, ch.receiver().waitingReceives());
  }

  @Test
  void aReceivePolledAgainAfterItCompletedThrowsAndNamesTheFix() {
    Mpsc.Channel<String> ch = Mpsc.bounded(1);
    assertTrue(ch.sender().trySend("a"));
    Future<String> r = ch.receiver().recv();
    assertEquals("a", r.poll(rx.context()).get());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> r.poll(rx.context()));
    assertTrue(e.getMessage().contains(MpscReuseTest.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("call receiver.recv() for each value"), e.getMessage());
    assertTrue(ch.sender().trySend("b"));
    assertEquals("b", ch.receiver().recv().poll(rx.context()).get(), "the misuse took nothing");
  }

  @Test
  void aSendPolledAgainAfterItCompletedThrowsAndSendsNothing() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    Future<Void> s = ch.sender().send("a");
    assertTrue(s.poll(tx.context()).isReady());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> s.poll(tx.context()));
    assertTrue(e.getMessage().contains("call sender.send(value) for each value"), e.getMessage());
    assertEquals("a", ch.receiver().tryRecv());
    assertEquals(null, ch.receiver().tryRecv(), "sent once");
  }

  @Test
  void aPendingOrNeverPolledReceiveIsNotHandedOutAgain() {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    Future<Integer> waiting = ch.receiver().recv();
    assertTrue(waiting.poll(rx.context()).isPending());
    Future<Integer> other = ch.receiver().recv();
    assertNotSame(waiting, other, "the first still waits");
    Future<Integer> third = ch.receiver().recv();
    assertNotSame(other, third, "the second was never polled");

    CountingWaker otherWaker = new CountingWaker();
    assertTrue(other.poll(otherWaker.context()).isPending());
    ch.sender().trySend(1);
    ch.sender().trySend(2);
    assertEquals(1, waiting.poll(rx.context()).get(), "fair: the first waiting gets the first");
    assertEquals(2, other.poll(otherWaker.context()).get());
  }

  @Test
  void aDroppedReceiveIsNotHandedOutAgain() {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    Future<Integer> dropped = ch.receiver().recv();
    assertTrue(dropped.poll(rx.context()).isPending());
    ((Droppable) dropped).drop();
    assertNotSame(dropped, ch.receiver().recv());
  }

  @Test
  void aReceiveCompletedUnderTheLockOnItsFirstPollIsHandedOutAgain() {
    // Two values queued: the lock is in charge, the receive completes under it, never waiting.
    Mpsc.Channel<Integer> locked = Mpsc.unbounded();
    locked.sender().trySend(1);
    locked.sender().trySend(2);
    locked.sender().trySend(3);
    Future<Integer> underLock = locked.receiver().recv();
    assertEquals(1, underLock.poll(rx.context()).get());
    Future<Integer> next = locked.receiver().recv();
    assertSame(underLock, next, "no other thread ever saw it: handed out again");
    assertEquals(2, next.poll(rx.context()).get());
    assertEquals(3, locked.receiver().recv().poll(rx.context()).get());
  }

  @Test
  void aReceiveThatWaitedInTheQueueIsNotHandedOutAgain() {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    Future<Integer> inSlot = ch.receiver().recv();
    assertTrue(inSlot.poll(rx.context()).isPending(), "waits in the slot");
    CountingWaker second = new CountingWaker();
    Future<Integer> queued = ch.receiver().recv();
    assertTrue(queued.poll(second.context()).isPending(), "another waits: this one is queued");
    ch.sender().trySend(1);
    ch.sender().trySend(2);
    assertEquals(1, inSlot.poll(rx.context()).get());
    assertEquals(2, queued.poll(second.context()).get());
    Future<Integer> next = ch.receiver().recv();
    assertNotSame(queued, next, "a send's thread held it while it waited: not handed out");
    ((Droppable) next).drop();
  }

  @Test
  void aQueuedReceiveThatTakesARedeliveredValueIsNotHandedOutAgain() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    Future<String> r0 = ch.receiver().recv();
    assertTrue(r0.poll(rx.context()).isPending(), "r0 waits in the slot");
    assertTrue(ch.sender().trySend("v"), "handed to r0");
    CountingWaker w1 = new CountingWaker();
    CountingWaker w2 = new CountingWaker();
    Future<String> r1 = ch.receiver().recv();
    assertTrue(r1.poll(w1.context()).isPending(), "r1 waits in the slot");
    Future<String> r2 = ch.receiver().recv();
    assertTrue(r2.poll(w2.context()).isPending(), "r2 moves r1 into the queue and waits behind it");
    ch.sender().close(); // both queued receives are told
    ((Droppable) r0).drop(); // r0's value goes back to the front of the queue
    assertEquals("v", r1.poll(w1.context()).get(), "r1 was queued: it takes the value back");
    Future<String> next = ch.receiver().recv();
    assertNotSame(r1, next, "r1 waited in the queue: not handed out again");
    assertNull(next.poll(rx.context()).get(), "closed and empty");
    ((Droppable) r2).drop();
  }

  @Test
  void aSendDeliveredUnderTheLockWithoutWaitingIsHandedOutAgain() {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    assertTrue(ch.sender().trySend(1));
    assertTrue(ch.sender().trySend(2)); // two queued: the lock is in charge
    Future<Void> underLock = ch.sender().send(3);
    assertTrue(underLock.poll(tx.context()).isReady());
    Future<Void> next = ch.sender().send(4);
    assertSame(underLock, next, "no other thread ever saw it: handed out again");
    assertTrue(next.poll(tx.context()).isReady());
    for (int v = 1; v <= 4; v++) {
      assertEquals(v, ch.receiver().tryRecv());
    }
  }

  @Test
  void aReceiveCompletedOnAnotherThreadIsNotClaimedHere() throws InterruptedException {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    ch.sender().trySend(7);
    AtomicReference<Future<Integer>> done = new AtomicReference<>();
    Thread other = new Thread(() -> {
      Future<Integer> r = ch.receiver().recv();
      r.poll(rx.context());
      done.set(r);
    });
    other.start();
    other.join();
    Future<Integer> mine = ch.receiver().recv();
    assertNotSame(done.get(), mine, "only the thread that completed a receive may claim it");
    assertTrue(mine.poll(rx.context()).isPending());
  }

  @Test
  void aSendIsHandedOutAgainOnlyOnceItDeliveredWithoutWaiting() {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
    Future<Void> first = ch.sender().send(1);
    assertTrue(first.poll(tx.context()).isReady());
    Future<Void> second = ch.sender().send(2);
    assertSame(first, second);
    assertTrue(second.poll(tx.context()).isPending(), "full: it waits for room, on the lock");
    Future<Void> third = ch.sender().send(3);
    assertNotSame(second, third, "the waiting send is not handed out");

    assertEquals(1, ch.receiver().tryRecv());
    assertTrue(second.poll(tx.context()).isReady());
    assertNotSame(second, ch.sender().send(4), "it completed under the lock");
    assertEquals(2, ch.receiver().tryRecv());
  }

  @Test
  void theMisuseTheRuleForbidsIsTheNextReceive() {
    // Documents the rule: a finished receive kept and polled after the next recv() is that receive.
    Mpsc.Channel<String> ch = Mpsc.bounded(1);
    ch.sender().trySend("a");
    Future<String> kept = ch.receiver().recv();
    assertEquals("a", kept.poll(rx.context()).get());
    Future<String> next = ch.receiver().recv();
    assertSame(kept, next);
    ch.sender().trySend("b");
    assertEquals("b", kept.poll(rx.context()).get(), "the kept future took the next value");
    assertThrows(IllegalStateException.class, () -> next.poll(rx.context()),
        "and whoever asked for it is told, not left waiting");
  }

  @Test
  void aStaleDropOfAFinishedReceiveCancelsTheNextOneSilently() {
    // Documents the other half of the rule (Mpsc's Javadoc): dropping a finished receive after
    // recv() handed it out again drops that next receive, whose waker is then never woken.
    Mpsc.Channel<String> ch = Mpsc.bounded(1);
    ch.sender().trySend("a");
    Future<String> kept = ch.receiver().recv();
    assertEquals("a", kept.poll(rx.context()).get());
    Future<String> next = ch.receiver().recv();
    assertSame(kept, next);
    CountingWaker nextWaker = new CountingWaker();
    assertTrue(next.poll(nextWaker.context()).isPending());
    ((Droppable) kept).drop();
    assertTrue(ch.sender().trySend("b"));
    assertEquals(0, nextWaker.count(), "the next receive was dropped with it: nobody wakes it");
    assertEquals("b", ch.receiver().tryRecv(), "the value waits for a new receive, not lost");
  }

  @Test
  void aSendThatWaitedUnderTheLockIsNotHandedOutAgain() {
    Mpsc.Channel<String> ch = Mpsc.bounded(1);
    assertTrue(ch.sender().trySend("full"));
    Future<Void> waited = ch.sender().send("waits");
    assertTrue(waited.poll(tx.context()).isPending());
    assertEquals("full", ch.receiver().tryRecv());
    assertTrue(waited.poll(tx.context()).isReady());
    assertNotSame(waited, ch.sender().send("next"),
        "a send finished under the lock is not the sender's spare (it would keep its value)");
  }

  @Test
  void aSpareHandedOutAgainThatThenWaitedKeepsNoValueAliveThroughTheSender()
      throws InterruptedException {
    Mpsc.Channel<Object> ch = Mpsc.bounded(1);
    Future<Void> first = ch.sender().send("a");
    assertTrue(first.poll(tx.context()).isReady(), "on the lock-free path: the sender's spare");
    assertEquals("a", ch.receiver().tryRecv());
    assertTrue(ch.sender().trySend("full"));
    Object value = new Object();
    ReferenceQueue<Object> collected = new ReferenceQueue<>();
    WeakReference<Object> ref = new WeakReference<>(value, collected);
    Future<Void> second = ch.sender().send(value);
    assertSame(first, second, "the spare, handed out again");
    assertTrue(second.poll(tx.context()).isPending(), "full: it waits under the lock");
    assertEquals("full", ch.receiver().tryRecv());
    assertTrue(second.poll(tx.context()).isReady());
    assertSame(value, ch.receiver().tryRecv());
    value = null;
    first = null;
    second = null;
    // The send is still the sender's spare; once delivered it must not hold the value.
    Reference<?> gone = null;
    for (int i = 0; i < 50 && gone == null; i++) {
      System.gc();
      gone = collected.remove(100);
    }
    assertSame(ref, gone, "the sender's spare kept a delivered value alive");
    assertTrue(!ch.sender().isClosed(), "the channel, and so its sender's spare, is still alive");
  }
}
