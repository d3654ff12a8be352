// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Droppable;
import dev.tinyrt.Future;
import org.junit.jupiter.api.Test;

class SemaphoreMutexNotifyTest {

  final CountingWaker a = new CountingWaker();
  final CountingWaker b = new CountingWaker();
  final CountingWaker c = new CountingWaker();

  @Test
  void permitsAreGrantedFirstComeFirstServedAndALargeRequestHoldsBackLaterOnes() {
    Semaphore s = new Semaphore(2);
    Semaphore.Permit one = s.acquire().poll(a.context()).get();
    Future<Semaphore.Permit> big = s.acquire(2);
    Future<Semaphore.Permit> small = s.acquire(1);
    assertTrue(big.poll(b.context()).isPending());
    assertTrue(small.poll(c.context()).isPending(), "one permit is free, but the big request is first");
    one.close();
    one.close(); // idempotent
    assertEquals(1, b.count());
    assertEquals(0, c.count());
    Semaphore.Permit two = big.poll(b.context()).get();
    assertEquals(2, two.count());
    two.close();
    assertEquals(1, c.count());
    assertEquals(1, small.poll(c.context()).get().count());
  }

  @Test
  void anAbandonedAcquireLeavesTheQueueOrGivesBackWhatItWasGranted() {
    Semaphore s = new Semaphore(1);
    Semaphore.Permit held = s.tryAcquire(1);
    Future<Semaphore.Permit> waiting = s.acquire();
    Future<Semaphore.Permit> behind = s.acquire();
    waiting.poll(a.context());
    behind.poll(b.context());
    held.close(); // granted to `waiting`, which then gives up
    ((Droppable) waiting).drop();
    assertEquals(1, b.count(), "the permit moved on to the next waiter");
    assertTrue(behind.poll(b.context()).isReady());
    assertEquals(0, s.available());
  }

  @Test
  void aMutexGuardMayBeHeldAcrossAwaitsAndUnlocksInOrder() {
    Mutex<StringBuilder> m = new Mutex<>(new StringBuilder());
    Mutex.Guard<StringBuilder> g1 = m.lock().poll(a.context()).get();
    Future<Mutex.Guard<StringBuilder>> second = m.lock();
    assertTrue(second.poll(b.context()).isPending());
    assertNull(m.tryLock());
    g1.get().append("one ");
    g1.close();
    assertThrows(IllegalStateException.class, g1::get);
    assertEquals(1, b.count());
    try (Mutex.Guard<StringBuilder> g2 = second.poll(b.context()).get()) {
      g2.get().append("two");
      assertEquals("one two", g2.get().toString());
    }
    assertTrue(m.tryLock() != null);
  }

  @Test
  void notifyOneWakesTheFirstWaiterOrLeavesAPermit() {
    Notify n = new Notify();
    n.notifyOne();
    assertTrue(n.notified().poll(a.context()).isReady(), "the stored permit");
    Future<Void> unlucky = n.notified();
    assertTrue(unlucky.poll(a.context()).isPending(), "only one permit");
    ((Droppable) unlucky).drop();
    Future<Void> first = n.notified();
    Future<Void> second = n.notified();
    first.poll(b.context());
    second.poll(c.context());
    n.notifyOne();
    assertEquals(1, b.count());
    assertEquals(0, c.count());
    assertTrue(first.poll(b.context()).isReady());
  }

  @Test
  void notifyWaitersWakesAllWaitingNowAndStoresNothing() {
    Notify n = new Notify();
    Future<Void> w1 = n.notified();
    Future<Void> w2 = n.notified();
    w1.poll(a.context());
    w2.poll(b.context());
    n.notifyWaiters();
    assertEquals(1, a.count());
    assertEquals(1, b.count());
    assertTrue(w1.poll(a.context()).isReady());
    assertTrue(w2.poll(b.context()).isReady());
    assertTrue(n.notified().poll(c.context()).isPending(), "no permit left for later");
  }

  @Test
  void anAbandonedNotificationIsPassedOn() {
    Notify n = new Notify();
    Future<Void> w1 = n.notified();
    Future<Void> w2 = n.notified();
    w1.poll(a.context());
    w2.poll(b.context());
    n.notifyOne();
    ((Droppable) w1).drop();
    assertEquals(1, b.count());
    assertTrue(w2.poll(b.context()).isReady());
  }

  @Test
  void anAbandonedWaiterWokenByNotifyWaitersLeavesNoPermit() {
    Notify n = new Notify();
    Future<Void> w1 = n.notified();
    Future<Void> w2 = n.notified();
    w1.poll(a.context());
    w2.poll(b.context());
    n.notifyWaiters();
    ((Droppable) w1).drop();
    assertFalse(n.hasPermit(), "notifyWaiters promised nothing to later waiters");
    assertTrue(n.notified().poll(c.context()).isPending());
    assertTrue(w2.poll(b.context()).isReady());
  }

  @Test
  void aNotifyOneGrantAbandonedWithNobodyBehindBecomesThePermit() {
    Notify n = new Notify();
    Future<Void> w = n.notified();
    w.poll(a.context());
    n.notifyOne();
    ((Droppable) w).drop();
    assertTrue(n.hasPermit(), "the notification is not lost");
    assertTrue(n.notified().poll(b.context()).isReady());
  }

  @Test
  void aMutexLockAbandonedAfterItWasHandedTheLockUnlocksForTheNext() {
    Mutex<Integer> m = new Mutex<>(0);
    Mutex.Guard<Integer> held = m.tryLock();
    Future<Mutex.Guard<Integer>> first = m.lock();
    Future<Mutex.Guard<Integer>> second = m.lock();
    assertTrue(first.poll(a.context()).isPending());
    assertTrue(second.poll(b.context()).isPending());
    held.close();
    assertEquals(1, a.count());
    ((Droppable) first).drop();
    assertEquals(1, b.count(), "the lock moved on");
    second.poll(b.context()).get().close();
    assertTrue(m.isFree());
  }

  @Test
  void anAbandonedLargeAcquireInTheMiddleUnblocksThoseBehindIt() {
    Semaphore s = new Semaphore(1);
    Semaphore.Permit held = s.tryAcquire(1);
    Future<Semaphore.Permit> small1 = s.acquire(1);
    Future<Semaphore.Permit> big = s.acquire(5);
    Future<Semaphore.Permit> small2 = s.acquire(1);
    small1.poll(a.context());
    big.poll(b.context());
    small2.poll(c.context());
    held.close();
    assertEquals(1, a.count());
    small1.poll(a.context()).get().close(); // the big one is first now, and cannot be served
    assertEquals(0, c.count());
    ((Droppable) big).drop();
    assertEquals(1, c.count(), "leaving lets the one behind through");
    assertTrue(small2.poll(c.context()).isReady());
    assertEquals(0, s.waiterCount());
  }

  @Test
  void waitingFuturesAreDroppableAndFailLoudlyWhenPolledAfterCompletion() {
    Semaphore s = new Semaphore(1);
    Future<Semaphore.Permit> acquire = s.acquire();
    assertTrue(acquire instanceof Droppable);
    assertTrue(acquire.poll(a.context()).isReady());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> acquire.poll(a.context()));
    assertTrue(e.getMessage().contains("acquire again"), e.getMessage());
    Notify n = new Notify();
    Future<Void> notified = n.notified();
    assertTrue(notified instanceof Droppable);
    n.notifyOne();
    assertTrue(notified.poll(a.context()).isReady());
    assertThrows(IllegalStateException.class, () -> notified.poll(a.context()));
  }
}
