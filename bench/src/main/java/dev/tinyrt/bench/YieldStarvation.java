// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.Tasks;
import dev.tinyrt.sync.Oneshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 4, yield starvation: every worker has a task that loops on {@code yieldNow()}; a
 * thread that is not a worker wakes a parked task, N times, and each time records how long the
 * woken task took to run. A sample that waits longer than {@link #GIVE_UP_SECONDS} counts as that
 * long (the task starved), and so do the samples left: a run stops at its first starved sample,
 * or it would last N seconds. Prints one JSON line: median, 99th percentile and worst latency in
 * microseconds, and how many samples were taken before a starvation (N if none).
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar
 * dev.tinyrt.bench.YieldStarvation CONTENDER N [WARMUPS]}; contenders: {@code tinyrt-KIND} for a
 * multi-threaded kind (see {@link Runtimes}), virtual-threads ({@code Thread.yield()}),
 * kotlin-default ({@code yield()} on {@code Dispatchers.Default}).
 */
public final class YieldStarvation {

  private YieldStarvation() {}

  /** How long one sample waits for the woken task before counting it as starved. */
  static final long GIVE_UP_SECONDS = 1;

  /** A yielding task: gives its worker back at every turn until told to stop. */
  static Future<Integer> yieldUntil(AtomicBoolean stop) {
    int turns = 0;
    while (!stop.get()) {
      await(Tasks.yieldNow());
      turns++;
    }
    return Future.ready(turns);
  }

  /** The woken task: its value is the send time; it returns how long ago that was. */
  static Future<Long> latencySince(Future<Long> sentAt, CountDownLatch parked) {
    parked.countDown();
    long sent = await(sentAt);
    return Future.ready(System.nanoTime() - sent);
  }

  /**
   * Runs N measured samples after the warm-up samples.
   *
   * @param args contender, N samples, warm-up rounds (of N/4 samples each)
   */
  public static void main(String[] args) throws Exception {
    String contender = args[0];
    int n = Integer.parseInt(args[1]);
    int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int yielders = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < warmups; i++) {
      run(contender, Math.max(1, n / 4), yielders);
    }
    long[] latencies = run(contender, n, yielders);
    for (long latency : latencies) {
      if (latency < 0) {
        // The woken side read its clock before the send: the contender times nothing.
        throw new IllegalStateException(contender + " reported a latency of " + latency
            + " ns: its woken task read the clock before it was sent the value (a bug in the"
            + " contender's code, not a result)");
      }
    }
    int firstStarved = n;
    for (int i = n - 1; i >= 0; i--) {
      if (latencies[i] >= TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS)) {
        firstStarved = i;
      }
    }
    Arrays.sort(latencies);
    Map<String, Double> m = Measure.metrics();
    m.put("median_us", latencies[n / 2] / 1e3);
    m.put("p99_us", latencies[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e3);
    m.put("max_us", latencies[n - 1] / 1e3);
    m.put("samples_before_starving", (double) firstStarved);
    m.put("yielders", (double) yielders);
    Measure.report(m);
  }

  static long[] run(String contender, int samples, int yielders) throws Exception {
    if (Runtimes.isRuntime(contender)) {
      return tinyrt(Runtimes.kindOf(contender), samples, yielders);
    }
    return switch (contender) {
      case "virtual-threads" -> virtualThreads(samples, yielders);
      case "kotlin-default" -> KotlinContender.yieldStarvation(
          samples, yielders, TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS));
      default -> throw new IllegalArgumentException("unknown contender " + contender);
    };
  }

  static long[] tinyrt(String kind, int samples, int yielders) throws Exception {
    if (kind.equals(Runtimes.CURRENT_THREAD)) {
      throw new IllegalArgumentException("yield starvation needs a multi-threaded runtime kind");
    }
    long[] latencies = new long[samples];
    AtomicBoolean stop = new AtomicBoolean();
    AsyncRuntime rt = Runtimes.create(kind);
    try {
      List<JoinHandle<Integer>> spinners = new ArrayList<>();
      for (int i = 0; i < yielders; i++) {
        spinners.add(rt.spawn(yieldUntil(stop)));
      }
      for (int s = 0; s < samples; s++) {
        Oneshot.Channel<Long> ch = Oneshot.channel();
        CountDownLatch parked = new CountDownLatch(1);
        CompletableFuture<Long> woken =
            rt.spawn(latencySince(ch.receiver(), parked)).toCompletableFuture();
        long spawned = System.nanoTime();
        if (!parked.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
          // The spawned task never ran: outside submissions starve too.
          return starvedFrom(latencies, s, System.nanoTime() - spawned);
        }
        long sent = System.nanoTime();
        ch.sender().send(sent);
        latencies[s] = waitOrStarved(woken, sent);
        if (latencies[s] >= TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS)) {
          return starvedFrom(latencies, s, latencies[s]);
        }
      }
    } finally {
      stop.set(true);
      // A short deadline: after a starvation the runtime may never run what is left, and the
      // default ten seconds, twice a child JVM, would make the scenario the longest of the run.
      rt.shutdown(Duration.ofMillis(500));
    }
    return latencies;
  }

  static long[] virtualThreads(int samples, int yielders) throws Exception {
    long[] latencies = new long[samples];
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    try {
      for (int i = 0; i < yielders; i++) {
        spinners.add(Measure.startVirtual(() -> {
          while (!stop.get()) {
            Thread.yield();
          }
        }));
      }
      for (int s = 0; s < samples; s++) {
        CompletableFuture<Long> sentAt = new CompletableFuture<>();
        CompletableFuture<Long> woken = new CompletableFuture<>();
        CountDownLatch parked = new CountDownLatch(1);
        Measure.startVirtual(() -> {
          parked.countDown();
          long sent = sentAt.join();
          woken.complete(System.nanoTime() - sent);
        });
        long started = System.nanoTime();
        if (!parked.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
          // The new virtual thread never ran: outside submissions starve too.
          return starvedFrom(latencies, s, System.nanoTime() - started);
        }
        long sent = System.nanoTime();
        sentAt.complete(sent);
        latencies[s] = waitOrStarved(woken, sent);
        if (latencies[s] >= TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS)) {
          return starvedFrom(latencies, s, latencies[s]);
        }
      }
    } finally {
      stop.set(true);
      for (Thread t : spinners) {
        t.join();
      }
    }
    return latencies;
  }

  /** Counts sample {@code s} and every later one as starved for {@code waited} ns. */
  private static long[] starvedFrom(long[] latencies, int s, long waited) {
    Arrays.fill(latencies, s, latencies.length, waited);
    return latencies;
  }

  /** @return the woken task's latency, or the time waited if it did not run in time */
  private static long waitOrStarved(CompletableFuture<Long> woken, long sent) throws Exception {
    try {
      return woken.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return System.nanoTime() - sent;
    }
  }
}
