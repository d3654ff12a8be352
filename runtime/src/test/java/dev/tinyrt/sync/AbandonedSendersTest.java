// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Senders garbage-collected while their receivers wait, in bulk: 100,000 oneshot channels (the
 * phantom reference each channel holds) and 10,000 mpsc channels (the Cleaner). Every waiting
 * receiver is woken once its sender is collected, fails (oneshot) or gives null (mpsc), and the
 * channel keeps no waker. The test waits on a latch the wakers count down, collecting meanwhile.
 */
@Timeout(120)
class AbandonedSendersTest {

  /** Oneshot channels whose sender is dropped. */
  private static final int ONESHOTS = 100_000;

  /** Mpsc channels whose sender is dropped. */
  private static final int MPSCS = 10_000;

  /**
   * Waits for {@code woken}, asking the collector to find the dropped senders meanwhile; fails
   * after 60 s. Also used by {@link OneshotWatchTest}.
   */
  static void awaitWakes(CountDownLatch woken) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!woken.await(20, TimeUnit.MILLISECONDS)) {
      System.gc();
      assertTrue(System.nanoTime() < deadline,
          woken.getCount() + " waiters were never woken after the other end of their channel was "
              + "collected");
    }
  }

  /** @return receivers, each pending with {@code cx}, whose senders nobody references */
  private static List<Oneshot.Receiver<Integer>> oneshotsWithDroppedSenders(Context cx) {
    List<Oneshot.Receiver<Integer>> receivers = new ArrayList<>(ONESHOTS);
    for (int i = 0; i < ONESHOTS; i++) {
      Oneshot.Receiver<Integer> r = Oneshot.<Integer>channel().receiver();
      assertTrue(r.poll(cx).isPending());
      receivers.add(r);
    }
    return receivers;
  }

  @Test
  void oneshotReceiversWaitingWhenTheirSendersAreCollectedAreWokenAndFail() throws Exception {
    CountDownLatch woken = new CountDownLatch(ONESHOTS);
    Context cx = Context.from(woken::countDown);
    List<Oneshot.Receiver<Integer>> receivers = oneshotsWithDroppedSenders(cx);
    awaitWakes(woken);
    for (Oneshot.Receiver<Integer> r : receivers) {
      assertFalse(r.holdsWaker(), "the channel let go of the waker it woke");
      ChannelClosedException closed = assertThrows(ChannelClosedException.class, () -> r.poll(cx));
      assertTrue(closed.getMessage().contains("garbage-collected"), closed.getMessage());
    }
  }

  /** @return receives, each pending with {@code cx}, whose channels' senders nobody references */
  private static List<Future<Integer>> mpscRecvsWithDroppedSenders(Context cx,
      List<Mpsc.Receiver<Integer>> receivers) {
    List<Future<Integer>> recvs = new ArrayList<>(MPSCS);
    for (int i = 0; i < MPSCS; i++) {
      Mpsc.Channel<Integer> ch = i % 2 == 0 ? Mpsc.unbounded() : Mpsc.bounded(1);
      Future<Integer> recv = ch.receiver().recv();
      assertTrue(recv.poll(cx).isPending());
      recvs.add(recv);
      receivers.add(ch.receiver());
    }
    return recvs;
  }

  @Test
  void mpscReceivesWaitingInTheSlotWhenTheirSendersAreCollectedAreWokenAndGiveNull()
      throws Exception {
    CountDownLatch woken = new CountDownLatch(MPSCS);
    Context cx = Context.from(woken::countDown);
    List<Mpsc.Receiver<Integer>> receivers = new ArrayList<>(MPSCS);
    List<Future<Integer>> recvs = mpscRecvsWithDroppedSenders(cx, receivers);
    awaitWakes(woken);
    for (int i = 0; i < MPSCS; i++) {
      assertNull(recvs.get(i).poll(cx).get(), "a closed and empty channel gives null");
      assertTrue(receivers.get(i).isSenderClosed());
      assertEquals(0, receivers.get(i).waitingReceives(), "no receive left waiting");
    }
  }
}
