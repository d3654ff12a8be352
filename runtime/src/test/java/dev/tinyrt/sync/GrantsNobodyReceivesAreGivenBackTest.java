// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import org.junit.jupiter.api.Test;

/**
 * A permit or a guard sent through a channel whose receiver is gone, and so received by nobody,
 * is given back, as a combinator gives back what nobody will see: a closed mpsc receiver (and,
 * since its Cleaner, one garbage-collected) cleared its queue, and a dropped oneshot receiver let
 * go of its value, or of one sent after the drop, and the permits were gone for good (found by a
 * hostile round; the first three cases failed before; the fourth pins that a received one
 * stays).
 */
class GrantsNobodyReceivesAreGivenBackTest {

  @Test
  void permitsQueuedInAnMpscWhoseReceiverClosesAreGivenBack() {
    Semaphore sem = new Semaphore(2);
    Mpsc.Channel<Semaphore.Permit> ch = Mpsc.bounded(4);
    assertTrue(ch.sender().trySend(sem.tryAcquire(1))); // in the lock-free slot
    assertTrue(ch.sender().trySend(sem.tryAcquire(1))); // the two in the queue
    assertEquals(0, sem.available());
    ch.receiver().close();
    assertEquals(2, sem.available(), "the queued permits were given back");
  }

  @Test
  void aPermitInAOneshotWhoseReceiverIsDroppedIsGivenBack() {
    Semaphore sem = new Semaphore(1);
    Oneshot.Channel<Semaphore.Permit> ch = Oneshot.channel();
    Semaphore.Permit p = sem.tryAcquire(1);
    assertNotNull(p);
    ch.sender().send(p);
    ch.receiver().drop(); // a select another branch won, a cancelled task
    assertEquals(1, sem.available(), "the permit sent was given back");
  }

  @Test
  void aPermitSentToAOneshotWhoseReceiverWasDroppedIsGivenBack() {
    Semaphore sem = new Semaphore(1);
    Oneshot.Channel<Semaphore.Permit> ch = Oneshot.channel();
    assertTrue(ch.receiver().poll(new CountingWaker().context()).isPending());
    ch.receiver().drop();
    ch.sender().send(sem.tryAcquire(1));
    assertEquals(1, sem.available(), "the permit sent to nobody was given back");
  }

  @Test
  void aReceivedPermitIsNotClosedByTheReceiversLaterDrop() {
    Semaphore sem = new Semaphore(1);
    Oneshot.Channel<Semaphore.Permit> ch = Oneshot.channel();
    ch.sender().send(sem.tryAcquire(1));
    Semaphore.Permit p = ch.receiver().poll(new CountingWaker().context()).get();
    ch.receiver().drop();
    assertEquals(0, sem.available(), "the receiver holds it");
    p.close();
    assertEquals(1, sem.available());
  }
}
