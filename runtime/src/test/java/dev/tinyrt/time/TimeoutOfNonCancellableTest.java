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
 * A timeout around a section that cannot be abandoned ({@code Futures.nonCancellable}): it waits
 * for the section, as before, and the section's outcome, a value or an exception, is the
 * timeout's, whichever came first, the deadline or the task's cancellation, instead of {@link
 * Elapsed}. Before, the value (a message received in the section) was thrown away and {@code
 * Elapsed} said the future "was not ready": found by the stop's new-user campaign, {@code
 * timeout(nonCancellable(rx.recv()), 100ms)} with the message sent at 500 ms.
 */
class TimeoutOfNonCancellableTest {

  /** A manual clock and timer, a oneshot, and a 100 ms timeout around its receive. */
  private static final class Setup {
    /** The clock the timer reads. */
    final ManualClock clock = new ManualClock();
    /** The timer the timeout sleeps on. */
    final Timer timer = Timer.manual(clock);
    /** The channel whose receive is timed. */
    final Oneshot.Channel<String> ch = Oneshot.channel();
    /** The waker of every poll but a cancelled one's. */
    final CountingWaker waker = new CountingWaker();
    /** The timed receive. */
    final Future<String> limited;

    /** @param section whether the receive is a non-cancellable section */
    Setup(boolean section) {
      Future<String> receive = section ? Futures.nonCancellable(ch.receiver()) : ch.receiver();
      limited = timer.timeout(receive, Duration.ofMillis(100));
      assertTrue(limited.poll(waker.context()).isPending());
    }

    /** Lets the deadline pass. */
    void pastTheDeadline() {
      clock.advance(Duration.ofMillis(100));
    }
  }

  @Test
  void aValueTheSectionReceivesAfterTheDeadlineIsReturnedNotLost() {
    Setup t = new Setup(/* section = */ true);
    t.pastTheDeadline();
    assertEquals(1, t.waker.count(), "the deadline woke the task");
    assertTrue(t.limited.poll(t.waker.context()).isPending(), "it waits for the section");
    t.ch.sender().send("important");
    assertEquals(2, t.waker.count(), "the send woke the task");
    assertEquals("important", t.limited.poll(t.waker.context()).get());
    assertEquals(0, t.timer.pending());
  }

  @Test
  void aCancellableFutureStillEndsInElapsed() {
    Setup t = new Setup(/* section = */ false);
    t.pastTheDeadline();
    assertThrows(Elapsed.class, () -> t.limited.poll(t.waker.context()));
  }

  @Test
  void aFailureOfTheSectionAfterTheDeadlineIsThrownNotElapsed() {
    // The review of the first version: a value came back late, but a failure became Elapsed ("not
    // ready") and went to the log as an abandoned future's.
    Setup t = new Setup(/* section = */ true);
    t.pastTheDeadline();
    assertTrue(t.limited.poll(t.waker.context()).isPending());
    t.ch.sender().close();
    assertThrows(ChannelClosedException.class, () -> t.limited.poll(t.waker.context()));
  }

  @Test
  void theSectionsValueIsReturnedWhicheverCameFirstTheDeadlineOrTheCancellation() {
    for (boolean deadlineFirst : new boolean[] {true, false}) {
      Setup t = new Setup(/* section = */ true);
      Context cancelled = Context.from(t.waker, () -> true);
      if (deadlineFirst) {
        t.pastTheDeadline();
        assertTrue(t.limited.poll(t.waker.context()).isPending());
      }
      assertTrue(t.limited.poll(cancelled).isPending(), "it waits for the section");
      t.ch.sender().send("late");
      // As an await of the section in a cancelled task: the value, and the next await throws.
      assertEquals("late", t.limited.poll(cancelled).get(), "deadline first: " + deadlineFirst);
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
