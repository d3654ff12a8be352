// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

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

  /** Starts a virtual thread (Java 21+) through reflection: this module compiles for Java 17. */
  static Thread startVirtual(Runnable body) {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      return (Thread) Class.forName("java.lang.Thread$Builder")
          .getMethod("start", Runnable.class)
          .invoke(builder, body);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need Java 21 or newer: " + e, e);
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
