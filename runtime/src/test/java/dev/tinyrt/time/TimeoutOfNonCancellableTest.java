// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.CancelledException;
import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.sync.Oneshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A timeout around a future that cannot be abandoned at once ({@code Futures.nonCancellable}): it
 * waits for the future, as before, and if the future then returns a value, that value is returned
 * instead of {@link Elapsed}. Before, the value (a message received in the section) was thrown
 * away and {@code Elapsed} said the future "was not ready": found by the stop's new-user campaign,
 * {@code timeout(nonCancellable(rx.recv()), 100ms)} with the message sent at 500 ms.
 */
class TimeoutOfNonCancellableTest {

  @Test
  void aValueTheSectionReceivesAfterTheDeadlineIsReturnedNotLost() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    Oneshot.Channel<String> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    Future<String> limited =
        timer.timeout(Futures.nonCancellable(ch.receiver()), Duration.ofMillis(100));
    assertTrue(limited.poll(waker.context()).isPending());
    clock.advance(Duration.ofMillis(100));
    assertEquals(1, waker.count(), "the deadline woke the task");
    assertTrue(limited.poll(waker.context()).isPending(), "it waits for the section");
    ch.sender().send("important");
    assertEquals(2, waker.count(), "the send woke the task");
    assertEquals("important", limited.poll(waker.context()).get());
    assertEquals(0, timer.pending());
  }

  @Test
  void aCancellableFutureStillEndsInElapsed() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    Oneshot.Channel<String> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    Future<String> limited = timer.timeout(ch.receiver(), Duration.ofMillis(100));
    assertTrue(limited.poll(waker.context()).isPending());
    clock.advance(Duration.ofMillis(100));
    assertThrows(Elapsed.class, () -> limited.poll(waker.context()));
  }

  @Test
  void aCancelledTaskStillGetsCancelledException() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    Oneshot.Channel<String> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    Future<String> limited =
        timer.timeout(Futures.nonCancellable(ch.receiver()), Duration.ofMillis(100));
    assertTrue(limited.poll(waker.context()).isPending());
    Context cancelled = Context.from(waker, () -> true);
    assertTrue(limited.poll(cancelled).isPending(), "it waits for the section");
    ch.sender().send("late");
    assertThrows(CancelledException.class, () -> limited.poll(cancelled));
  }

  @Test
  void aValueReadyBeforeTheDeadlineIsReturnedAsAlways() {
    Timer timer = Timer.manual(new ManualClock());
    Future<String> limited = timer.timeout(Futures.nonCancellable(Future.ready("now")),
        Duration.ofMillis(100));
    Poll<String> p = limited.poll(new CountingWaker().context());
    assertEquals("now", p.get());
  }
}
