// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.rt;

import dev.tinyrt.Context;
import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Reports a poll that runs longer than a threshold: while a poll runs, its runtime thread runs
 * nothing else, so a blocking call inside an async method stalls every task queued behind it. The
 * report names the task, the await points it ran between ({@code File.java:line}, from the frame's
 * state before the poll to its state after), the duration, and the fix; it is made once per await
 * point, to the {@code System.Logger} named {@code dev.tinyrt} (level WARNING).
 *
 * <p>Off unless the JVM starts with {@code -Dtinyrt.slowPoll}: {@code =100ms}, {@code =1s},
 * {@code =250} (milliseconds), {@code =on} or {@code =true} (100 ms); {@code =0} or {@code =off}
 * turns it off. {@link #ENABLED} is a static final flag, so when it is false the hook in the poll
 * loops ({@code SlowPolls.ENABLED ? SlowPolls.poll(...) : future.poll(cx)}) is a constant the JIT
 * compiles away. When on, each poll reads the clock twice and follows the frame chain to its
 * innermost frame (reflection on fields cached per class, no text, no list): the innermost frame
 * and its state are all it keeps; the lines are looked up only for a poll that was slow.
 */
final class SlowPolls {

  /** The system property that sets the threshold. */
  static final String PROPERTY = "tinyrt.slowPoll";

  /** The threshold of {@code -Dtinyrt.slowPoll=on}. */
  static final long DEFAULT_THRESHOLD_NANOS = 100_000_000L;

  /** The threshold in nanoseconds, 0 when off; read once, when the class initializes. */
  static final long THRESHOLD_NANOS = thresholdFromProperty();

  /** Whether polls are timed. */
  static final boolean ENABLED = THRESHOLD_NANOS > 0;

  /** The detector the hooks use; null when off. */
  static final SlowPolls DETECTOR = ENABLED
      ? new SlowPolls(THRESHOLD_NANOS, System::nanoTime, SlowPolls::log)
      : null;

  /** How long a poll may run, in nanoseconds. */
  private final long thresholdNanos;

  /** Where the time comes from, in nanoseconds; a test's manual clock may replace it. */
  volatile LongSupplier clock;

  /** Where a report goes. */
  private final Consumer<String> sink;

  /** The await points already reported, as {@code method#state} (or a future's class). */
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /**
   * A poll under way: only what the report needs that the poll may change.
   *
   * @param startNanos when it started
   * @param future what is polled
   * @param frame its innermost frame before the poll, or null if it is no frame
   * @param state that frame's state before the poll
   */
  record Start(long startNanos, Object future, Object frame, int state) {}

  /**
   * @param thresholdNanos how long a poll may run
   * @param clock the time, in nanoseconds
   * @param sink where reports go
   */
  SlowPolls(long thresholdNanos, LongSupplier clock, Consumer<String> sink) {
    this.thresholdNanos = thresholdNanos;
    this.clock = clock;
    this.sink = sink;
  }

  /**
   * Hook: polls {@code future} once, timed, and reports the poll if it was slow (returned or
   * thrown). Only with {@link #ENABLED}: the poll loops call {@code future.poll(cx)} otherwise.
   *
   * @param future the future to poll
   * @param cx its context
   * @param poller what runs the poll, as the report names it (a task, or a string)
   * @param <T> the future's value type
   * @return the poll's result
   */
  static <T> Poll<T> poll(Future<T> future, Context cx, Object poller) {
    SlowPolls detector = DETECTOR;
    Start start = detector.start(future);
    try {
      return future.poll(cx);
    } finally {
      detector.end(poller, start);
    }
  }

  /**
   * Notes where {@code future} is before a poll.
   *
   * @param future the future about to be polled
   * @return what {@link #end} needs
   */
  Start start(Object future) {
    Object frame = FrameTable.innermostFrame(future);
    int state = frame == null ? FrameTable.DONE : FrameTable.of(frame.getClass()).stateOf(frame);
    return new Start(clock.getAsLong(), future, frame, state);
  }

  /**
   * Reports the poll if it ran too long and its await point was not reported yet.
   *
   * @param task what ran the poll, as it prints
   * @param start what {@link #start} returned
   */
  void end(Object task, Start start) {
    long nanos = clock.getAsLong() - start.startNanos();
    if (nanos <= thresholdNanos) {
      return;
    }
    AwaitPoint from = start.frame() == null ? null
        : FrameTable.of(start.frame().getClass()).point(start.state());
    String key = from == null
        ? start.future().getClass().getName()
        : from.method() + "#" + from.state();
    if (!reported.add(key)) {
      return;
    }
    sink.accept(report(task, start, from, nanos));
  }

  /** The report's text. */
  private String report(Object task, Start start, AwaitPoint from, long nanos) {
    StringBuilder out = new StringBuilder("tinyrt: a poll of ").append(task).append(" took ")
        .append(nanos / 1_000_000).append(" ms (the limit is ").append(thresholdNanos / 1_000_000)
        .append(" ms, -D").append(PROPERTY).append("): it ran ");
    if (from == null) {
      out.append(start.future()).append(" (not an async method: its poll method itself)");
    } else {
      AwaitPoint to = FrameTable.chain(start.future()).innermost();
      out.append("from ").append(describe(from)).append(" to ")
          .append(to == null
              ? "the end of " + FrameTable.of(start.future().getClass()).method()
              : describe(to));
    }
    return out.append(". While a poll runs, its runtime thread runs no other task: look there for "
        + "a blocking call (Thread.sleep, blocking I/O, a lock, Future.get, a long computation) "
        + "and await its async alternative, or move it off the runtime with "
        + "await(Tasks.spawnBlocking(() -> ...)). Reported once per await point.").toString();
  }

  /** {@code the start of Shop.price (Shop.java:30)} or {@code Shop.price (Shop.java:31), await(reply)}. */
  private static String describe(AwaitPoint p) {
    return p.state() == 0 ? "the start of " + p.method() + " (" + p.location() + ")" : p.toString();
  }

  /** @return the property's threshold; off, with a warning, if it cannot be parsed */
  private static long thresholdFromProperty() {
    try {
      return parse(System.getProperty(PROPERTY));
    } catch (IllegalArgumentException e) {
      log(e.getMessage() + "; slow polls are not reported");
      return 0;
    }
  }

  /** Sends a report to the {@code dev.tinyrt} logger. */
  private static void log(String report) {
    System.getLogger("dev.tinyrt").log(System.Logger.Level.WARNING, report);
  }

  /**
   * Parses the property: {@code 100ms}, {@code 1s}, {@code 500us}, {@code 250} (milliseconds),
   * {@code on}/{@code true}, {@code off}/{@code false}/{@code 0}.
   *
   * @param value the property's value, or null
   * @return the threshold in nanoseconds, 0 for off
   * @throws IllegalArgumentException for anything else, saying what is accepted
   */
  static long parse(String value) {
    if (value == null) {
      return 0;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "off", "false", "0", "":
        return 0;
      case "on", "true":
        return DEFAULT_THRESHOLD_NANOS;
      default:
        break;
    }
    try {
      if (v.endsWith("ms")) {
        return Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 2)), 1_000_000L);
      } else if (v.endsWith("us")) {
        return Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 2)), 1_000L);
      } else if (v.endsWith("ns")) {
        return Long.parseLong(v.substring(0, v.length() - 2));
      } else if (v.endsWith("s")) {
        return Math.multiplyExact(Long.parseLong(v.substring(0, v.length() - 1)), 1_000_000_000L);
      }
      return Math.multiplyExact(Long.parseLong(v), 1_000_000L);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not a duration: "
          + "write e.g. 100ms, 1s or 250 (milliseconds), on (100 ms), or off", e);
    }
  }
}
