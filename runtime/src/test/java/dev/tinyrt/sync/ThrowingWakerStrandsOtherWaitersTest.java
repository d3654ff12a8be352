// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.TinyrtLog;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A waker that throws (a user's, whose executor was shut down: a waker must not throw, but may)
 * once stranded every waiter a channel or lock had collected after it, each granted its permit,
 * notification or value and out of the queue but never woken, and came out of the notifier's own
 * call: a {@code trySend} that had delivered its value threw, so a sender that retried sent it
 * twice. Each waiter is now woken, the failure logged, and the notifier goes on (found by a hostile
 * round; every case failed before).
 */
class ThrowingWakerStrandsOtherWaitersTest {

  private static Context throwingWaker() {
    return Context.from(() -> {
      throw new RejectedExecutionException("the executor behind this waker was shut down");
    });
  }

  /** Collects what the runtime logs: each throwing waker is reported, not thrown. */
  private final TinyrtLog log = new TinyrtLog();

  @AfterEach
  void closeLog() {
    log.close();
  }

  /** Runs {@code notifier}, which must not throw, and checks that one waker's failure was logged. */
  private void quietly(Runnable notifier) {
    notifier.run();
    assertTrue(log.records.stream().anyMatch(r -> r.getThrown() instanceof RejectedExecutionException
        && r.getMessage().contains("Waker.wake() must not throw")), "the failure was logged");
  }

  @Test
  void notifyWaitersWakesTheWaiterAfterAThrowingOne() {
    Notify n = new Notify();
    Future<Void> a = n.notified();
    Future<Void> b = n.notified();
    CountingWaker wb = new CountingWaker();
    assertTrue(a.poll(throwingWaker()).isPending());
    assertTrue(b.poll(wb.context()).isPending());
    quietly(n::notifyWaiters);
    assertEquals(0, n.waiterCount(), "both were granted and left the queue");
    assertEquals(1, wb.count(), "b was granted its notification, so it must be woken");
  }

  @Test
  void semaphoreReleaseWakesTheWaiterAfterAThrowingOne() {
    Semaphore s = new Semaphore(0);
    Future<Semaphore.Permit> a = s.acquire();
    Future<Semaphore.Permit> b = s.acquire();
    CountingWaker wb = new CountingWaker();
    assertTrue(a.poll(throwingWaker()).isPending());
    assertTrue(b.poll(wb.context()).isPending());
    quietly(() -> s.release(2));
    assertEquals(0, s.waiterCount(), "both were granted their permit");
    assertEquals(1, wb.count(), "b holds a granted permit, so it must be woken");
  }

  @Test
  void broadcastSendWakesTheReceiverAfterAThrowingOne() {
    Broadcast.Sender<String> tx = Broadcast.channel(4);
    Future<String> a = tx.subscribe().recv();
    Future<String> b = tx.subscribe().recv();
    CountingWaker wb = new CountingWaker();
    assertTrue(a.poll(throwingWaker()).isPending());
    assertTrue(b.poll(wb.context()).isPending());
    quietly(() -> tx.send("x"));
    assertEquals(1, wb.count(), "b's value arrived, so it must be woken");
  }

  @Test
  void watchSendWakesTheReceiverAfterAThrowingOne() {
    Watch.Channel<String> ch = Watch.channel("a");
    Future<String> a = ch.receiver().changed();
    Future<String> b = ch.sender().subscribe().changed();
    CountingWaker wb = new CountingWaker();
    assertTrue(a.poll(throwingWaker()).isPending());
    assertTrue(b.poll(wb.context()).isPending());
    quietly(() -> ch.sender().send("b"));
    assertEquals(1, wb.count(), "the value changed, so b must be woken");
  }

  /**
   * The value is handed to the parked receive, then its waker throws out of trySend: the sender is
   * told the send failed although the value was delivered, and a sender that retries duplicates it.
   */
  @Test
  void trySendThatDeliveredDoesNotThrowTheReceiversWakerFailure() {
    Mpsc.Channel<String> ch = Mpsc.unbounded();
    Future<String> recv = ch.receiver().recv();
    assertTrue(recv.poll(throwingWaker()).isPending());
    boolean sent;
    try {
      sent = ch.sender().trySend("once");
    } catch (RejectedExecutionException e) {
      sent = false; // the sender believes it failed ...
    }
    String got = recv.poll(new CountingWaker().context()).get(); // ... but it was delivered
    assertEquals("once", got);
    assertTrue(sent, "trySend reported a failure for a value it delivered");
  }

  @Test
  void oneshotSendDeliversAndDoesNotThrowTheReceiversWakerFailure() {
    Oneshot.Channel<String> ch = Oneshot.channel();
    assertTrue(ch.receiver().poll(throwingWaker()).isPending());
    quietly(() -> ch.sender().send("once"));
    assertEquals("once", ch.receiver().poll(new CountingWaker().context()).get());
  }

  /**
   * An {@code Error} from a waker is not swallowed, but only after the waiters behind it were woken:
   * they hold what they were granted.
   */
  @Test
  void anErrorFromAWakerIsThrownAfterTheOthersWereWoken() {
    Semaphore s = new Semaphore(0);
    Future<Semaphore.Permit> a = s.acquire();
    Future<Semaphore.Permit> b = s.acquire();
    StackOverflowError error = new StackOverflowError("a waker's");
    CountingWaker wb = new CountingWaker();
    assertTrue(a.poll(Context.from(() -> {
      throw error;
    })).isPending());
    assertTrue(b.poll(wb.context()).isPending());
    assertSame(error, assertThrows(StackOverflowError.class, () -> s.release(2)));
    assertEquals(1, wb.count(), "b holds a granted permit, so it was woken first");
    assertEquals(0, s.available());
  }

  /** Later throwing wakes are logged at a lower level: a broken waker woken often floods nothing. */
  @Test
  void onlyTheFirstThrowingWakeIsAWarning() {
    for (int i = 0; i < 3; i++) {
      Notify n = new Notify();
      assertTrue(n.notified().poll(throwingWaker()).isPending());
      quietly(n::notifyWaiters);
    }
    assertTrue(log.records.stream().filter(r -> r.getLevel() == Level.WARNING).count() <= 1,
        "at most one warning");
  }
}
