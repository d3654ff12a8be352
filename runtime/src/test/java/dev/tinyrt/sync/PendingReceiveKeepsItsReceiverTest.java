// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

/**
 * A consumer parked in a receive is a live consumer, even when nothing but its receive future
 * references the receiver: an async method {@code ready(await(rx.recv()))} stores no dead local, so
 * its parked frame holds the {@code MpscRecv} (which holds the channel state) and not the {@code
 * Receiver}. The receiver's Cleaner must not close the channel under it: queued values dropped,
 * the pending receive given null, the producer's next send failing (found by a review of the
 * receiver's Cleaner; it failed before a receive kept its receiver).
 */
class PendingReceiveKeepsItsReceiverTest {

  /** @return a receive polled pending, whose receiver nobody else references */
  private static Future<Integer> pendingReceive(
      Mpsc.Channel<Integer> ch, CountingWaker waker, WeakReference<?>[] receiver) {
    Future<Integer> recv = ch.receiver().recv();
    assertTrue(recv.poll(waker.context()).isPending(), "nothing sent yet");
    receiver[0] = new WeakReference<>(ch.receiver());
    return recv;
  }

  @Test
  void aReceiverReachableOnlyThroughItsPendingReceiveIsNotCollected() {
    CountingWaker waker = new CountingWaker();
    WeakReference<?>[] receiver = new WeakReference<?>[1];
    Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
    Mpsc.Sender<Integer> tx = ch.sender();
    Future<Integer> recv = pendingReceive(ch, waker, receiver);
    ch = null; // the consumer keeps its receive, the producer its sender: the Channel record goes
    for (int i = 0; i < 10 && receiver[0].get() != null; i++) {
      System.gc();
    }
    assertNotNull(receiver[0].get(),
        "the receiver of a pending receive was collected: its Cleaner closes the channel (drops "
            + "the queue, gives the receive null, fails every send) under a live consumer");
    assertTrue(tx.trySend(7));
    assertEquals(1, waker.count());
    assertEquals(7, recv.poll(waker.context()).get());
  }
}
