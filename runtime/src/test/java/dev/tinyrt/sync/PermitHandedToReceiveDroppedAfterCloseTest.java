// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import org.junit.jupiter.api.Test;

/**
 * A value handed to a waiting receive (lock-free, or granted under the lock) belongs to no queue:
 * Receiver.close() does not see it. If the receive is then dropped (its task cancelled by the
 * same shutdown that closed the receiver), MpscState.redeliver/deliver finds the receiver closed
 * and drops the value without Cancellation.discard: the permit is gone for good (found by a
 * review of 87d970f; both cases failed before). Now it is given back.
 */
class PermitHandedToReceiveDroppedAfterCloseTest {

  @Test
  void aPermitHandedOverLockFreeThenDroppedAfterCloseIsGivenBack() {
    Semaphore sem = new Semaphore(1);
    Mpsc.Channel<Semaphore.Permit> ch = Mpsc.bounded(4);
    Context cx = new CountingWaker().context();
    Future<Semaphore.Permit> recv = ch.receiver().recv();
    assertTrue(recv.poll(cx).isPending()); // parked in the slot
    assertTrue(ch.sender().trySend(sem.tryAcquire(1))); // handed over: HANDED
    assertEquals(0, sem.available());
    ch.receiver().close();
    ((dev.tinyrt.Droppable) recv).drop(); // the consumer task is cancelled
    assertEquals(1, sem.available(), "the permit handed to the dropped receive was given back");
  }

  @Test
  void aPermitGrantedUnderTheLockThenDroppedAfterCloseIsGivenBack() {
    Semaphore sem = new Semaphore(1);
    Mpsc.Channel<Semaphore.Permit> ch = Mpsc.bounded(4);
    Context cx = new CountingWaker().context();
    Future<Semaphore.Permit> first = ch.receiver().recv();
    Future<Semaphore.Permit> second = ch.receiver().recv();
    assertTrue(first.poll(cx).isPending()); // in the slot
    assertTrue(second.poll(cx).isPending()); // the lock takes both into the queue
    ((dev.tinyrt.Droppable) first).drop();
    assertTrue(ch.sender().trySend(sem.tryAcquire(1))); // granted to `second` under the lock
    assertEquals(0, sem.available());
    ch.receiver().close();
    ((dev.tinyrt.Droppable) second).drop();
    assertEquals(1, sem.available(), "the permit granted to the dropped receive was given back");
  }
}
