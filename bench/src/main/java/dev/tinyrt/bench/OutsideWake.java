// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.sync.Oneshot;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 3, outside wakes (what I/O completions look like): N tasks each wait for one value;
 * once all are parked, one thread that is not a worker sends the values one at a time, in random
 * order or in creation order. Prints one JSON line: nanoseconds per wake and milliseconds from
 * the first send until every task is done.
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar
 * dev.tinyrt.bench.OutsideWake CONTENDER N WARMUPS random|creation}; contenders:
 * {@code tinyrt-KIND} (see {@link Runtimes}), virtual-threads (blocked on a
 * {@code CompletableFuture}), kotlin-single-thread, kotlin-default (suspended on a
 * {@code CompletableDeferred}).
 */
public final class OutsideWake {

  private OutsideWake() {}

  /** The most tasks a warm-up round wakes. */
  static final int WARMUP_TASKS = 100_000;

  /** Seed of the random order: every contender gets the same permutation. */
  private static final long SEED = 42;

  /** A task of the scenario: counts itself parked, waits for its value. */
  static Future<Integer> waitForValue(Future<Integer> value, AtomicInteger parked) {
    parked.incrementAndGet();
    int v = await(value);
    return Future.ready(v);
  }

  /**
   * Runs one measured round after the warm-up rounds.
   *
   * @param args contender, N, warm-up rounds, order ({@code random} or {@code creation})
   */
  public static void main(String[] args) throws Exception {
    String contender = args[0];
    int n = Integer.parseInt(args[1]);
    int warmups = Integer.parseInt(args[2]);
    boolean random = switch (args[3]) {
      case "random" -> true;
      case "creation" -> false;
      default -> throw new IllegalArgumentException("order is random or creation, not " + args[3]);
    };
    for (int i = 0; i < warmups; i++) {
      run(contender, order(Math.min(n, WARMUP_TASKS), random));
    }
    long nanos = run(contender, order(n, random));
    Map<String, Double> m = Measure.metrics();
    m.put("ns_per_wake", (double) nanos / n);
    m.put("first_send_to_done_ms", nanos / 1e6);
    Measure.report(m);
  }

  /** @return 0..n-1, shuffled with {@link #SEED} if {@code random} */
  static int[] order(int n, boolean random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (random) {
      Random r = new Random(SEED);
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** @return nanoseconds from the first send until every task is done */
  static long run(String contender, int[] order) throws Exception {
    if (Runtimes.isRuntime(contender)) {
      return tinyrt(Runtimes.kindOf(contender), order);
    }
    return switch (contender) {
      case "virtual-threads" -> virtualThreads(order);
      case "kotlin-single-thread" -> KotlinContender.outsideWake(order, false, () -> { });
      case "kotlin-default" -> KotlinContender.outsideWake(order, true, () -> { });
      default -> throw new IllegalArgumentException("unknown contender " + contender);
    };
  }

  @SuppressWarnings("unchecked")
  static long tinyrt(String kind, int[] order) throws InterruptedException {
    int n = order.length;
    Oneshot.Sender<Integer>[] senders = new Oneshot.Sender[n];
    JoinHandle<Integer>[] tasks = new JoinHandle[n];
    AtomicInteger parked = new AtomicInteger();
    AsyncRuntime rt = Runtimes.create(kind);
    for (int i = 0; i < n; i++) {
      Oneshot.Channel<Integer> ch = Oneshot.channel();
      senders[i] = ch.sender();
      tasks[i] = rt.spawn(waitForValue(ch.receiver(), parked));
    }
    boolean currentThread = kind.equals(Runtimes.CURRENT_THREAD);
    if (currentThread) {
      // A task spawned last runs after every task queued before it: once it is done, every task
      // was polled once. (blockOn(yieldNow()) would not do: the main future of a current-thread
      // blockOn is polled again after a single task.)
      rt.blockOn(rt.spawn(Future.ready(0)));
    }
    while (parked.get() < n) {
      Thread.onSpinWait(); // the workers polled every task once
    }
    long[] firstSend = new long[1];
    Runnable sendAll = () -> {
      firstSend[0] = System.nanoTime();
      for (int i : order) {
        senders[i].send(i);
      }
    };
    Thread outside = new Thread(sendAll, "outside-waker");
    outside.start();
    // Drives a current-thread runtime here; waits for the workers of a multi-threaded one.
    if (!rt.shutdown(Duration.ofMinutes(5))) {
      throw new IllegalStateException("outside-woken tasks did not finish");
    }
    long done = System.nanoTime();
    outside.join();
    Measure.checkFinished("outside-woken task", tasks, i -> i, Duration.ofSeconds(30));
    return done - firstSend[0];
  }

  @SuppressWarnings("unchecked")
  static long virtualThreads(int[] order) throws InterruptedException {
    int n = order.length;
    CompletableFuture<Integer>[] values = new CompletableFuture[n];
    AtomicInteger parked = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      CompletableFuture<Integer> v = new CompletableFuture<>();
      values[i] = v;
      Measure.startVirtual(() -> {
        parked.incrementAndGet();
        v.join();
        done.countDown();
      });
    }
    while (parked.get() < n) {
      Thread.onSpinWait(); // every thread reached its wait
    }
    long t0 = System.nanoTime();
    for (int i : order) {
      values[i].complete(i);
    }
    done.await();
    return System.nanoTime() - t0;
  }
}
