// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.Context;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link SlowPolls}: a poll over the threshold is reported once per await point, with its lines. */
class SlowPollsTest {

  /** The time the detectors of these tests see, moved by hand. */
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  /** The reports made. */
  private final List<String> reports = new ArrayList<>();

  /** A detector with a 100 ms threshold on the manual clock. */
  private final SlowPolls detector =
      new SlowPolls(SlowPolls.DEFAULT_THRESHOLD_NANOS, now::get, reports::add);

  private final Context cx = Context.from(Waker.noop());

  /** Polls {@code future} once, timed by the detector, as a task's poll is. */
  private <T> Poll<T> timedPoll(FakeFrames.Checkout future) {
    SlowPolls.Start start = detector.start(future);
    Poll<Long> p = future.poll(cx);
    detector.end("Task@test", start);
    @SuppressWarnings("unchecked")
    Poll<T> t = (Poll<T>) p;
    return t;
  }

  @Test
  void aSlowPollIsReportedWithTheLinesItRanBetweenOncePerAwaitPoint() {
    TestFutures.Gate<Long> reply = new TestFutures.Gate<>();
    FakeFrames.Price price = new FakeFrames.Price(reply);
    FakeFrames.Checkout checkout = new FakeFrames.Checkout(price);
    price.during = () -> now.addAndGet(250_000_000L); // 250 ms of blocking inside Shop.price

    // From the start of checkout to price's await: reported.
    assertTrue(timedPoll(checkout).isPending());
    assertEquals(List.of("tinyrt: a poll of Task@test took 250 ms (the limit is 100 ms, "
        + "-Dtinyrt.slowPoll): it ran from the start of Shop.checkout (Shop.java:20) to "
        + "Shop.price (Shop.java:31), await(reply). While a poll runs, its runtime thread runs "
        + "no other task: look there for a blocking call (Thread.sleep, blocking I/O, a lock, "
        + "Future.get, a long computation) and await its async alternative, or move it off the "
        + "runtime with await(Tasks.spawnBlocking(() -> ...)). Reported once per await point."),
        reports);

    // The same await point again, in another frame of the same method: not reported again.
    FakeFrames.Price price2 = new FakeFrames.Price(new TestFutures.Gate<>());
    price2.during = () -> now.addAndGet(250_000_000L);
    assertTrue(timedPoll(new FakeFrames.Checkout(price2)).isPending());
    assertEquals(1, reports.size());

    // From price's await to the end of checkout: another await point, reported.
    reply.complete(7L);
    assertEquals(7L, timedPoll(checkout).get());
    assertEquals(2, reports.size());
    assertTrue(reports.get(1).contains("took 250 ms (the limit is 100 ms, -Dtinyrt.slowPoll): it "
        + "ran from Shop.price (Shop.java:31), await(reply) to the end of Shop.checkout. "),
        reports.get(1));
  }

  @Test
  void aPollAtTheThresholdOrUnderIsNotReported() {
    FakeFrames.Price price = new FakeFrames.Price(new TestFutures.Gate<>());
    price.during = () -> now.addAndGet(SlowPolls.DEFAULT_THRESHOLD_NANOS);
    assertTrue(timedPoll(new FakeFrames.Checkout(price)).isPending());
    assertEquals(List.of(), reports);
  }

  @Test
  void aFutureThatIsNoFrameIsNamedByItsToString() {
    dev.tinyrt.Future<Void> parked = new dev.tinyrt.Future<>() {
      @Override
      public Poll<Void> poll(Context cx) {
        now.addAndGet(1_000_000_000L);
        return Poll.pending();
      }

      @Override
      public String toString() {
        return "a reply that never comes";
      }
    };
    SlowPolls.Start start = detector.start(parked);
    parked.poll(cx);
    detector.end("Task@leaf", start);
    assertEquals(1, reports.size());
    assertTrue(reports.get(0).startsWith("tinyrt: a poll of Task@leaf took 1000 ms (the limit "
        + "is 100 ms, -Dtinyrt.slowPoll): it ran a reply that never comes (not an async method: "
        + "its poll method itself). "), reports.get(0));
  }

  @Test
  void theThresholdIsParsedFromTheProperty() {
    assertEquals(0, SlowPolls.parse(null));
    assertEquals(0, SlowPolls.parse("off"));
    assertEquals(0, SlowPolls.parse("0"));
    assertEquals(100_000_000L, SlowPolls.parse("on"));
    assertEquals(100_000_000L, SlowPolls.parse("true"));
    assertEquals(250_000_000L, SlowPolls.parse("250ms"));
    assertEquals(250_000_000L, SlowPolls.parse("250"));
    assertEquals(2_000_000_000L, SlowPolls.parse("2s"));
    assertEquals(500_000L, SlowPolls.parse("500us"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SlowPolls.parse("fast"));
    assertEquals("-Dtinyrt.slowPoll=fast is not a duration: write e.g. 100ms, 1s or 250 "
        + "(milliseconds), on (100 ms), or off", e.getMessage());
    assertFalse(SlowPolls.ENABLED, "off unless the JVM is started with -Dtinyrt.slowPoll");
  }

  @Test
  void withThePropertyTheRuntimesPollLoopsReportSlowPolls() throws Exception {
    // The flag is a static final read once per JVM: run the program in one with it on.
    String out = ChildJvm.run(SlowPollsTest.class, "-D" + SlowPolls.PROPERTY + "=50ms");
    assertEquals(3, out.split("tinyrt: a poll of ", -1).length - 1, out);
    assertTrue(out.matches("(?s).*tinyrt: a poll of Task@\\p{XDigit}+ took 80 ms \\(the limit is "
        + "50 ms, -Dtinyrt.slowPoll\\): it ran from the start of Shop.checkout \\(Shop.java:20\\) "
        + "to Shop.price \\(Shop.java:31\\), await\\(reply\\)\\. .*"), out);
    assertTrue(out.contains("tinyrt: a poll of the future of blockOn took 60 ms (the limit is 50 "
        + "ms, -Dtinyrt.slowPoll): it ran from the start of Shop.price (Shop.java:30) to the end "
        + "of Shop.price. "), out);
    // A multi-threaded runtime's blockOn polls its future on the caller's thread too (a new user
    // found it unwatched there).
    assertTrue(out.contains("tinyrt: a poll of the future of blockOn took 70 ms (the limit is 50 "
        + "ms, -Dtinyrt.slowPoll): it ran a slow lookup"), out);
  }

  /**
   * The child of {@link #withThePropertyTheRuntimesPollLoopsReportSlowPolls}: on a manual clock,
   * two tasks whose first polls take 80 ms at the same await point, and a blockOn future
   * whose poll takes 60 ms; then a multi-threaded runtime's blockOn future whose poll takes 70 ms.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    AtomicLong now = new AtomicLong();
    SlowPolls.DETECTOR.clock = now::get;
    try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().name("slow").build()) {
      for (int i = 0; i < 2; i++) {
        FakeFrames.Price price = new FakeFrames.Price(new TestFutures.Gate<>());
        price.during = () -> now.addAndGet(80_000_000L);
        rt.spawn(new FakeFrames.Checkout(price));
      }
      FakeFrames.Price main = new FakeFrames.Price(TestFutures.readyAfter(0, 1L));
      main.during = () -> now.addAndGet(60_000_000L);
      rt.blockOn(main);
      rt.blockOn(TestFutures.readyAfter(2, null));
      rt.shutdown(java.time.Duration.ZERO);
    }
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(1).name("slow-mt").build()) {
      // Not a frame at a place reported already: a report is made once per place.
      rt.blockOn(new dev.tinyrt.Future<Long>() {
        @Override
        public dev.tinyrt.Poll<Long> poll(dev.tinyrt.Context cx) {
          now.addAndGet(70_000_000L);
          return dev.tinyrt.Poll.ready(1L);
        }

        @Override
        public String toString() {
          return "a slow lookup";
        }
      });
    }
  }
}
