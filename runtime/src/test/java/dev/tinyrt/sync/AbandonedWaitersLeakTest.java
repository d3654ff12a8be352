// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import dev.tinyrt.Waker;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leaks measured: for each waiting primitive, 100,000 futures are polled to pending, each with its
 * own waker, then abandoned (dropped) in reverse order (the worst order for a queue that searches
 * from its head); the primitive must hold none of them (its waiter count is 0), none of their
 * wakers (every waker is collectable), and must have given back every permit and slot.
 */
@Timeout(60)
class AbandonedWaitersLeakTest {

  /** How many waiting futures each test abandons. */
  static final int WAITERS = 100_000;

  /** The wakers of the futures polled by {@link #pollAllPending}, weakly. */
  final List<WeakReference<Waker>> wakers = new ArrayList<>(WAITERS);

  /** Polls {@code WAITERS} futures from {@code make}, each with its own waker, expecting pending. */
  List<Future<?>> pollAllPending(Supplier<Future<?>> make) {
    List<Future<?>> futures = new ArrayList<>(WAITERS);
    for (int i = 0; i < WAITERS; i++) {
      Future<?> f = make.get();
      Waker w = new Waker() {
        @Override
        public void wake() {}
      };
      wakers.add(new WeakReference<>(w));
      assertTrue(f.poll(Context.from(w)).isPending(), "future " + i + " should wait");
      futures.add(f);
    }
    return futures;
  }

  /** Drops every future, last first. */
  static void dropAll(List<Future<?>> futures) {
    for (int i = futures.size() - 1; i >= 0; i--) {
      ((Droppable) futures.get(i)).drop();
    }
  }

  /** Asserts that no waker polled with is still reachable (the futures themselves are). */
  void assertNoWakerKept(List<Future<?>> stillHeld) {
    for (int round = 0; round < 10 && anyWakerAlive(); round++) {
      System.gc();
    }
    int alive = 0;
    for (WeakReference<Waker> w : wakers) {
      if (w.get() != null) {
        alive++;
      }
    }
    assertEquals(0, alive, "wakers still reachable after dropping " + stillHeld.size()
        + " futures");
  }

  private boolean anyWakerAlive() {
    for (WeakReference<Waker> w : wakers) {
      if (w.get() != null) {
        return true;
      }
    }
    return false;
  }

  @Test
  void semaphoreAcquires() {
    Semaphore s = new Semaphore(0);
    List<Future<?>> waiting = pollAllPending(s::acquire);
    assertEquals(WAITERS, s.waiterCount());
    dropAll(waiting);
    assertEquals(0, s.waiterCount());
    assertNoWakerKept(waiting);
    s.release(1);
    assertEquals(1, s.available(), "no abandoned acquire took the permit");
  }

  @Test
  void semaphoreAcquiresGrantedThenAbandonedGiveEveryPermitBack() {
    Semaphore s = new Semaphore(0);
    List<Future<?>> waiting = pollAllPending(s::acquire);
    s.release(WAITERS);
    assertEquals(0, s.available(), "all granted");
    dropAll(waiting);
    assertEquals(0, s.waiterCount());
    assertEquals(WAITERS, s.available(), "every granted permit came back");
    assertNoWakerKept(waiting);
  }

  @Test
  void mutexLocks() {
    Mutex<String> m = new Mutex<>("value");
    Mutex.Guard<String> held = m.tryLock();
    List<Future<?>> waiting = pollAllPending(m::lock);
    assertEquals(WAITERS, m.waiterCount());
    dropAll(waiting);
    assertEquals(0, m.waiterCount());
    assertNoWakerKept(waiting);
    held.close();
    assertTrue(m.isFree(), "the lock went to nobody abandoned");
  }

  @Test
  void notifyWaiters() {
    Notify n = new Notify();
    List<Future<?>> waiting = pollAllPending(n::notified);
    assertEquals(WAITERS, n.waiterCount());
    dropAll(waiting);
    assertEquals(0, n.waiterCount());
    assertFalse(n.hasPermit());
    assertNoWakerKept(waiting);
  }

  @Test
  void mpscSends() {
    Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
    assertTrue(ch.sender().trySend(-1));
    List<Future<?>> waiting = pollAllPending(() -> ch.sender().send(7));
    assertEquals(WAITERS, ch.sender().waitingSends());
    assertEquals(-1, ch.receiver().tryRecv()); // the first waiting send is given a slot...
    dropAll(waiting); // ...and abandons it with the rest
    assertEquals(0, ch.sender().waitingSends());
    assertEquals(0, ch.sender().reservedSlots(), "the kept slot was given back");
    assertNull(ch.receiver().tryRecv(), "no abandoned send sent");
    assertTrue(ch.sender().trySend(1), "the room is free again");
    assertNoWakerKept(waiting);
  }

  @Test
  void mpscReceives() {
    Mpsc.Channel<Integer> ch = Mpsc.unbounded();
    List<Future<?>> waiting = pollAllPending(() -> ch.receiver().recv());
    assertEquals(WAITERS, ch.receiver().waitingReceives());
    assertTrue(ch.sender().trySend(1)); // handed to the first waiting receive...
    dropAll(waiting); // ...which abandons it
    assertEquals(0, ch.receiver().waitingReceives());
    assertEquals(1, ch.receiver().tryRecv(), "the handed value went back to the queue");
    assertNoWakerKept(waiting);
  }

  @Test
  void broadcastReceives() {
    Broadcast.Sender<Integer> tx = Broadcast.channel(4);
    Broadcast.Receiver<Integer> rx = tx.subscribe();
    List<Future<?>> waiting = pollAllPending(rx::recv);
    assertEquals(WAITERS, tx.waitingReceives());
    dropAll(waiting);
    assertEquals(0, tx.waitingReceives());
    assertNoWakerKept(waiting);
  }

  @Test
  void watchChanges() {
    Watch.Channel<Integer> ch = Watch.channel(0);
    List<Future<?>> waiting = pollAllPending(() -> ch.receiver().changed());
    assertEquals(WAITERS, ch.sender().waitingReceives());
    dropAll(waiting);
    assertEquals(0, ch.sender().waitingReceives());
    assertNoWakerKept(waiting);
  }

  @Test
  void oneshotReceivers() {
    List<Oneshot.Sender<Integer>> senders = new ArrayList<>(WAITERS);
    List<Future<?>> waiting = pollAllPending(() -> {
      Oneshot.Channel<Integer> ch = Oneshot.channel();
      senders.add(ch.sender()); // kept, so no channel closes by garbage collection
      return ch.receiver();
    });
    dropAll(waiting);
    int holding = 0;
    for (Future<?> f : waiting) {
      holding += ((Oneshot.Receiver<?>) f).holdsWaker() ? 1 : 0;
    }
    assertEquals(0, holding, "receivers whose channel still holds their waker");
    assertNoWakerKept(waiting);
    for (int i = 0; i < WAITERS; i++) {
      senders.get(i).send(i);
      assertFalse(((Oneshot.Receiver<?>) waiting.get(i)).holdsValue(),
          "a value sent to an abandoned receiver is not kept");
    }
  }
}
