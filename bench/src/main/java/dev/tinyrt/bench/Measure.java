// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Context;
import dev.tinyrt.Poll;
import dev.tinyrt.Waker;
import dev.tinyrt.rt.JoinHandle;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** What the scenario processes measure, and how they report it: one JSON line on stdout. */
final class Measure {

  private Measure() {}

  /**
   * Returns the heap in use after full collections, once it stopped moving: the Cleaner thread
   * retires the registrations of senders collected earlier (68 bytes each, a warm-up round leaves
   * thousands) a little after each collection, and on a loaded machine it may not run for a while,
   * so the reading waits for {@link #STABLE_READINGS} readings in a row within 4 KB (or a
   * ten-thousandth of the heap) of each other,
   * {@link #SETTLE_MILLIS} apart. (Two readings 20 ms apart were not enough under load: the
   * backlog was still in the baseline and the per-task heap came out negative.)
   *
   * @return bytes in use
   */
  static long heapAfterGc() {
    long previous = -1;
    int stable = 0;
    for (int i = 0; i < 40; i++) {
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      // Within 4 KB, or a ten-thousandth of the heap in use (0.04 B a task at 10M tasks).
      long tolerance = Math.max(4096, used / 10_000);
      stable = Math.abs(used - previous) < tolerance ? stable + 1 : 0;
      if (stable == STABLE_READINGS - 1) {
        return used;
      }
      previous = used;
      try {
        Thread.sleep(SETTLE_MILLIS); // let the Cleaner thread run
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return used;
      }
    }
    return previous;
  }

  /** How many readings in a row must agree before the heap counts as settled. */
  static final int STABLE_READINGS = 4;

  /** Milliseconds between readings, for the Cleaner thread to run. */
  static final long SETTLE_MILLIS = 50;

  /** @return this process's resident set size in bytes (Linux), or -1 */
  static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Prints the metrics as one JSON object line. */
  static void report(Map<String, Double> metrics) {
    StringBuilder json = new StringBuilder("{");
    metrics.forEach((k, v) -> {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('"').append(k).append("\":").append(v);
    });
    System.out.println(json.append('}'));
  }

  static Map<String, Double> metrics() {
    return new LinkedHashMap<>();
  }

  /**
   * Starts a virtual thread (Java 21+). This module compiles for Java 17, so the factory is looked
   * up through reflection, once: a lookup per start cost about 380 ns more than the start itself
   * (514 against 132 ns), which the carts' creation column counted against virtual threads.
   */
  static Thread startVirtual(Runnable body) {
    Thread t = VirtualThreads.FACTORY.newThread(body);
    t.start();
    return t;
  }

  /** {@code Thread.ofVirtual().factory()}, looked up on first use (Java 21+). */
  private static final class VirtualThreads {
    static final ThreadFactory FACTORY = factory();

    private static ThreadFactory factory() {
      try {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        return (ThreadFactory) Class.forName("java.lang.Thread$Builder")
            .getMethod("factory").invoke(builder);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("virtual threads need Java 21 or newer: " + e, e);
      }
    }
  }

  /**
   * Checks, once a round is over, that every task finished with the value it should have: one that
   * ended otherwise (cancelled, failed, given up by a shutdown) still leaves the runtime's live
   * count, and would make the round look faster.
   *
   * <p>A multi-threaded runtime's worker takes a task out of the live count just before it marks
   * it complete, so a task may still be finishing when the count reads zero: one still running is
   * waited for, up to {@code grace} in all, before it is refused.
   *
   * @param what what the tasks are, for the message
   * @param tasks the round's handles
   * @param expected the value task {@code i} should have finished with
   * @param grace how long, in all, to wait for tasks not yet finished
   */
  static <T> void checkFinished(String what, JoinHandle<T>[] tasks, IntFunction<T> expected,
      Duration grace) {
    Context cx = Context.from(Waker.noop());
    long deadline = System.nanoTime() + grace.toNanos();
    for (int i = 0; i < tasks.length; i++) {
      JoinHandle<T> task = tasks[i];
      if (!task.isFinished()) {
        awaitQuietly(task, deadline - System.nanoTime());
      }
      Poll<T> value = task.isFinished() && !task.isCancelled() && !task.isFailed()
          ? task.poll(cx) : null;
      if (value == null || !value.isReady() || !Objects.equals(value.get(), expected.apply(i))) {
        throw new IllegalStateException(what + " " + i + " of " + tasks.length
            + " did not finish with " + expected.apply(i) + ": " + task
            + (value == null ? "" : ", " + value) + ". The round is not a result: the runtime "
            + "ended the task otherwise (cancelled, failed, given up) or the scenario is wrong; "
            + "run the scenario's main by hand with a small N to see how it ended");
      }
    }
  }

  /** Waits up to {@code nanos} for the task to end, however it ends. */
  private static void awaitQuietly(JoinHandle<?> task, long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      task.toCompletableFuture().get(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | CancellationException | TimeoutException e) {
      // Looked at by the caller: the task's own state says how it ended, if it did.
    }
  }

  /** A virtual-thread-per-task executor (Java 21+), through reflection. */
  static ExecutorService virtualExecutor() {
    try {
      return (ExecutorService) java.util.concurrent.Executors.class
          .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need Java 21 or newer: " + e, e);
    }
  }
}
