// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.Poll;
import dev.tinyrt.internal.ForwardsCancellation;
import dev.tinyrt.sync.ChannelClosedException;
import dev.tinyrt.sync.Oneshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A timeout around a section that cannot be abandoned ({@code Futures.nonCancellable}): it waits for
 * the section, as before, and the section's outcome, a value or an exception, is the timeout's,
 * whichever came first, the deadline or the task's cancellation, instead of {@link Elapsed}. Before, the value (a message received in the section) was thrown
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
  void aFailureOfTheSectionAfterTheDeadlineIsThrownNotElapsed() {
    // The review of the first version: a value came back late, but a failure became Elapsed ("not
    // ready") and went to the log as an abandoned future's.
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    Oneshot.Channel<String> ch = Oneshot.channel();
    CountingWaker waker = new CountingWaker();
    Future<String> limited =
        timer.timeout(Futures.nonCancellable(ch.receiver()), Duration.ofMillis(100));
    assertTrue(limited.poll(waker.context()).isPending());
    clock.advance(Duration.ofMillis(100));
    assertTrue(limited.poll(waker.context()).isPending());
    ch.sender().close();
    assertThrows(ChannelClosedException.class, () -> limited.poll(waker.context()));
  }

  @Test
  void theSectionsValueIsReturnedWhicheverCameFirstTheDeadlineOrTheCancellation() {
    for (boolean deadlineFirst : new boolean[] {true, false}) {
      ManualClock clock = new ManualClock();
      Timer timer = Timer.manual(clock);
      Oneshot.Channel<String> ch = Oneshot.channel();
      CountingWaker waker = new CountingWaker();
      Context cancelled = Context.from(waker, () -> true);
      Future<String> limited =
          timer.timeout(Futures.nonCancellable(ch.receiver()), Duration.ofMillis(100));
      assertTrue(limited.poll(waker.context()).isPending());
      if (deadlineFirst) {
        clock.advance(Duration.ofMillis(100));
        assertTrue(limited.poll(waker.context()).isPending());
      }
      assertTrue(limited.poll(cancelled).isPending(), "it waits for the section");
      ch.sender().send("late");
      // As an await of the section in a cancelled task: the value, and the next await throws.
      assertEquals("late", limited.poll(cancelled).get(), "deadline first: " + deadlineFirst);
    }
  }

  /** A stand-in for an async method that catches its cancellation and returns a fallback. */
  private static final class CatchesItsCancellation
      implements Future<String>, ForwardsCancellation {
    @Override
    public Poll<String> poll(Context cx) {
      return cx.isCancelled() ? Poll.ready("fallback") : Poll.pending();
    }
  }

  @Test
  void aFutureThatSwallowsItsCancellationStillEndsInElapsed() {
    // Only a non-cancellable section given to the timeout has its outcome kept.
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    CountingWaker waker = new CountingWaker();
    Future<String> limited = timer.timeout(new CatchesItsCancellation(), Duration.ofMillis(100));
    assertTrue(limited.poll(waker.context()).isPending());
    clock.advance(Duration.ofMillis(100));
    assertThrows(Elapsed.class, () -> limited.poll(waker.context()));
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
