// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Async;
import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.time.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * tinyrt's own threads run no user code that could hold them up. An EA-style method's frame
 * resumed on the thread that woke it, and for an awaited sleep that was the JVM-wide timer's: a
 * {@code blockOn} in it parked the timer's thread waiting for its own timer, and every sleep of
 * the JVM stopped for good (found by the stop's hostile campaign). Now such a frame resumes on a
 * worker, and {@code blockOn} on one of tinyrt's own threads is refused, naming what it serves.
 */
class ServiceThreadsTest {

  /** An EA-style frame: awaits a sleep of the system timer, then blocks on another. */
  private static final class SleepsThenBlocks implements Future<String> {
    /** The sleep awaited first, made at the first poll: long enough to be pending there. */
    private Future<Void> sleep;

    @Override
    public Poll<String> poll(Context cx) {
      if (sleep == null) {
        sleep = Timer.system().sleep(Duration.ofMillis(20));
      }
      if (sleep.poll(cx).isPending()) {
        return Poll.pending();
      }
      String resumedOn = Thread.currentThread().getName();
      try {
        Async.blockOn(Timer.system().sleep(Duration.ofMillis(1)));
        return Poll.ready(resumedOn + ": blocked and went on");
      } catch (IllegalStateException refused) {
        return Poll.ready(resumedOn + ": refused");
      }
    }
  }

  @Test
  void aFrameWokenByTheTimerResumesOffItsThreadAndSleepsStillFire() throws Exception {
    CompletableFuture<String> promise = new CompletableFuture<>();
    StageTask.start(new SleepsThenBlocks(), promise);
    String outcome = promise.get(30, TimeUnit.SECONDS); // bounded: a hang guard only
    assertTrue(outcome.startsWith("tinyrt-ea"), outcome);
    assertNotEquals("tinyrt-timer", outcome.substring(0, outcome.indexOf(':')));
    // The timer still fires.
    Async.blockOn(Timer.system().sleep(Duration.ofMillis(1)));
  }

  @Test
  void blockOnInAWakerTheTimerRunsIsRefusedNamingTheTimer() throws Exception {
    CompletableFuture<Throwable> refusal = new CompletableFuture<>();
    Future<Void> sleep = Timer.system().sleep(Duration.ofMillis(20));
    Poll<Void> first = sleep.poll(Context.from(() -> {
      try {
        Async.blockOn(Future.ready("x"));
        refusal.complete(null);
      } catch (Throwable t) {
        refusal.complete(t);
      }
    }));
    assertTrue(first.isPending());
    Throwable t = refusal.get(30, TimeUnit.SECONDS);
    assertInstanceOf(IllegalStateException.class, t);
    assertTrue(t.getMessage().contains("on tinyrt-timer, a thread of tinyrt's own that serves the"
        + " JVM-wide timer"), t.getMessage());
    assertTrue(t.getMessage().contains("called in " + ServiceThreadsTest.class.getName()),
        t.getMessage());
  }

  @Test
  void serviceThreadsAreDaemonsMarkedAsSuch() throws Exception {
    CompletableFuture<Boolean> marked = new CompletableFuture<>();
    Thread t = RuntimeThreads.service("tinyrt-test-service", "a test", () ->
        marked.complete(RuntimeThreads.serves() != null));
    assertTrue(t.isDaemon());
    t.start();
    assertEquals(true, marked.get(30, TimeUnit.SECONDS));
    t.join();
    assertEquals(null, RuntimeThreads.serves(), "the test's own thread is not marked");
  }
}
