// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.CountingWaker;
import dev.tinyrt.Future;
import dev.tinyrt.TinyrtLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression: a wake that threw (a closed runtime's {@link RejectedExecutionException}) killed the
 * JVM's one {@code tinyrt-timer} thread, and every later sleep in the JVM hung. Wakes must not
 * throw, but the timer survives one that does: it logs it and goes on.
 */
@Timeout(30)
class TimerSurvivesThrowingWakersTest {

  /** What {@code System.getLogger("dev.tinyrt")} publishes during a test, at every level. */
  private TinyrtLog log;

  @BeforeEach
  void listen() {
    log = new TinyrtLog();
  }

  /**
   * @return what the timer logged: {@link #log}'s records about wakers. Not every record: the
   *     reports of failed tasks that earlier tests forgot ({@code UnseenFailures}) come when the
   *     collector takes them, during any test
   */
  private List<LogRecord> logged() {
    return log.records.stream().filter(r -> r.getMessage().contains("waker")).toList();
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  static RuntimeException closedRuntime() {
    return new RejectedExecutionException("the task's runtime is closed");
  }

  @Test
  void aThrowingWakerIsLoggedOnceAndTheOtherSleepsStillFire() {
    ManualClock clock = new ManualClock();
    Timer timer = Timer.manual(clock);
    RuntimeException first = closedRuntime();
    CountingWaker before = new CountingWaker();
    CountingWaker after = new CountingWaker();
    Future<Void> a = timer.sleep(Duration.ofMillis(10));
    Future<Void> bad = timer.sleep(Duration.ofMillis(10));
    Future<Void> bad2 = timer.sleep(Duration.ofMillis(10));
    Future<Void> b = timer.sleep(Duration.ofMillis(10));
    assertTrue(a.poll(before.context()).isPending());
    assertTrue(bad.poll(Context.from(() -> {
      throw first;
    })).isPending());
    assertTrue(bad2.poll(Context.from(() -> {
      throw closedRuntime();
    })).isPending());
    assertTrue(b.poll(after.context()).isPending());

    clock.advance(Duration.ofMillis(10)); // does not throw

    assertEquals(1, before.count());
    assertEquals(1, after.count(), "a sleep fired after the throwing one was woken");
    assertEquals(0, timer.pending());
    List<LogRecord> warnings = logged().stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    assertEquals(1, warnings.size(), "the first throwing waker is a warning, once");
    assertSame(first, warnings.get(0).getThrown());
    assertTrue(warnings.get(0).getMessage().contains("fix the Waker"),
        warnings.get(0).getMessage());
    assertEquals(2, logged().size(), "the second one is logged at debug level");

    // And the timer goes on.
    CountingWaker later = new CountingWaker();
    Future<Void> c = timer.sleep(Duration.ofMillis(5));
    assertTrue(c.poll(later.context()).isPending());
    clock.advance(Duration.ofMillis(5));
    assertEquals(1, later.count());
  }

  /**
   * The system timer, with real (short) sleeps: its driver thread must outlive a throwing waker.
   * Nothing sleeps to wait: the test waits on latches that the wakes count down.
   */
  @Test
  void theSystemTimersThreadOutlivesAThrowingWaker() throws InterruptedException {
    Timer system = Timer.system();
    CountDownLatch threw = new CountDownLatch(1);
    RuntimeException failure = closedRuntime();
    Context throwing = Context.from(() -> {
      threw.countDown();
      throw failure;
    });
    // Poll until a sleep is pending (a very slow machine could find 20 ms gone already).
    while (system.sleep(Duration.ofMillis(20)).poll(throwing).isReady()) {
      continue;
    }
    assertTrue(threw.await(20, TimeUnit.SECONDS), "the throwing waker was never woken");

    // A sleep the timer thread fires itself (pending when polled), so it fires after the timer
    // thread has logged the throwing waker: the same thread, one after the other.
    CountDownLatch fired = new CountDownLatch(1);
    Context counting = Context.from(fired::countDown);
    while (system.sleep(Duration.ofMillis(1)).poll(counting).isReady()) {
      continue;
    }
    assertTrue(fired.await(20, TimeUnit.SECONDS),
        "a sleep after the throwing waker never fired: the timer thread died");
    assertTrue(logged().stream().anyMatch(r -> r.getThrown() == failure),
        "the throwing waker was not logged");
  }
}
