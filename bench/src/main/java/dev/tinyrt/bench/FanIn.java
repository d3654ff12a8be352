// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.rt.WorkerPool;
import dev.tinyrt.sync.Mpsc;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Fan-in: P producer tasks send into one channel that one consumer task receives from, on
 * tinyrt's current-thread runtime and on a {@link WorkerPool} runtime of {@value #WORKERS} workers
 * (all producers share the channel's one {@code Mpsc.Sender}); against virtual threads over a
 * {@link LinkedBlockingQueue} or an {@link ArrayBlockingQueue}, and Kotlin coroutines over a
 * {@code Channel}, each of the same capacity. Values are below 128, so boxing them allocates
 * nothing (the {@code Integer} cache) and the bytes are the channel's and the scheduler's.
 *
 * <p>A run repeats exchanges of N messages until it has lasted at least the minimum time
 * ({@code -Dbench.minSeconds}, one second by default) and prints one JSON line: messages per
 * second (wall clock), and per message the CPU time and the bytes allocated by every thread of the
 * process, both read from the JVM's exact per-thread counters ({@code ThreadMXBean}), which stay
 * meaningful on a loaded machine where the wall clock does not.
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar dev.tinyrt.bench.FanIn
 * CONTENDER N WARMUPS PRODUCERS [CAPACITY [WORK]]}; contenders: {@code tinyrt-KIND} ({@code
 * current-thread} or a {@link WorkerPool} constant), {@code virtual-threads-lbq}, {@code
 * virtual-threads-abq}, {@code kotlin-single-thread} ({@code runBlocking}), {@code kotlin-default}
 * ({@code Dispatchers.Default}); the capacity is {@value #CAPACITY} unless given; WORK (0 unless
 * given) is the xorshift steps each producer takes before each send ({@link #work}).
 */
public final class FanIn {

  private FanIn() {}

  /** The worker threads of the multi-threaded tinyrt runtime (the machine's two cores). */
  static final int WORKERS = 2;

  /** The channel's (and the queues') capacity unless the command line gives one. */
  static final int CAPACITY = 64;

  /** Keeps a value below 128, where {@code Integer.valueOf} allocates nothing. */
  static final int SMALL_MASK = 127;

  /** The producer counts the group measures. */
  static final List<Integer> PRODUCERS = List.of(1, 2, 8);

  /** The contenders the group measures. */
  static final List<String> CONTENDERS = List.of(Runtimes.PREFIX + Runtimes.CURRENT_THREAD,
      Runtimes.PREFIX + WorkerPool.WORK_STEALING.name(), "virtual-threads-lbq",
      "virtual-threads-abq", "kotlin-single-thread", "kotlin-default");

  /** The JVM's per-thread CPU and allocation counters. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Sends {@code count} values into the shared channel, {@code work} steps of work before each. */
  static Future<Long> producer(Mpsc.Sender<Integer> tx, int count, int work) {
    long x = SEED;
    for (int i = 0; i < count; i++) {
      x = work(x, work);
      await(tx.send(i & SMALL_MASK));
    }
    return Future.ready(x);
  }

  /** The start of each producer's work. */
  static final long SEED = FanInKotlin.SEED;

  /** A producer's work before each message: {@link FanInKotlin#work}, for every contender. */
  static long work(long x, int steps) {
    return FanInKotlin.work(x, steps);
  }

  /** Receives {@code total} values and sums them. */
  static Future<Long> consumer(Mpsc.Receiver<Integer> rx, int total) {
    long sum = 0;
    for (int i = 0; i < total; i++) {
      sum += await(rx.recv());
    }
    return Future.ready(sum);
  }

  /**
   * Runs the warm-up exchanges, then one measured run.
   *
   * @param args contender, N messages per exchange, warm-up exchanges, producers, [capacity,
   *     [work steps before each send]]
   */
  public static void main(String[] args) throws Exception {
    String contender = args[0];
    int n = Integer.parseInt(args[1]);
    int warmups = Integer.parseInt(args[2]);
    int producers = Integer.parseInt(args[3]);
    int capacity = args.length > 4 ? Integer.parseInt(args[4]) : CAPACITY;
    int work = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    if (n % producers != 0) {
      throw new IllegalArgumentException(
          "N = " + n + " is not a multiple of " + producers + " producers: pick one that is");
    }
    double minSeconds = Double.parseDouble(System.getProperty("bench.minSeconds", "1"));
    Usage total = new Usage();
    for (int i = 0; i < warmups; i++) {
      run(contender, producers, n / producers, capacity, work, new Usage());
    }
    long messages = 0;
    while (total.wallNanos < minSeconds * 1e9) {
      run(contender, producers, n / producers, capacity, work, total);
      messages += n;
    }
    Map<String, Double> m = Measure.metrics();
    m.put("messages_per_second", messages / (total.wallNanos / 1e9));
    m.put("cpu_ns_per_message", (double) total.cpuNanos / messages);
    m.put("bytes_per_message", (double) total.bytes / messages);
    m.put("messages", (double) messages);
    Measure.report(m);
  }

  /** What a run used, summed over runs: wall clock, and every thread's CPU time and bytes. */
  static final class Usage {

    /** Wall-clock nanoseconds. */
    long wallNanos;

    /** CPU nanoseconds of every thread. */
    long cpuNanos;

    /** Bytes allocated by every thread. */
    long bytes;
  }

  /** Every live thread's CPU time and allocated bytes at one moment, by thread id. */
  private record Snapshot(long nanoTime, Map<Long, long[]> byThread) {

    static Snapshot now() {
      long[] ids = THREADS.getAllThreadIds();
      long[] cpu = THREADS.getThreadCpuTime(ids);
      long[] bytes = THREADS.getThreadAllocatedBytes(ids);
      Map<Long, long[]> byThread = new HashMap<>();
      for (int i = 0; i < ids.length; i++) {
        byThread.put(ids[i], new long[] {cpu[i], bytes[i]});
      }
      return new Snapshot(System.nanoTime(), byThread);
    }

    /**
     * Adds what every thread used since {@code before} to {@code usage}; a thread started since
     * counts from zero (threads that ended in between are lost: each contender keeps its threads
     * alive across the two snapshots).
     */
    void addSince(Snapshot before, Usage usage) {
      usage.wallNanos += nanoTime - before.nanoTime;
      for (Map.Entry<Long, long[]> e : byThread.entrySet()) {
        long[] then = before.byThread.getOrDefault(e.getKey(), new long[2]);
        long[] now = e.getValue();
        if (now[0] >= 0 && then[0] >= 0) {
          usage.cpuNanos += now[0] - then[0];
        }
        if (now[1] >= 0 && then[1] >= 0) {
          usage.bytes += now[1] - then[1];
        }
      }
    }
  }

  /** One exchange: every producer sends {@code perProducer} values, the consumer takes them all. */
  static void run(String contender, int producers, int perProducer, int capacity, int work,
      Usage usage) throws Exception {
    long expected = (long) producers * expectedSum(perProducer);
    long sum;
    if (Runtimes.isRuntime(contender)) {
      String kind = Runtimes.kindOf(contender);
      AsyncRuntime rt = kind.equals(Runtimes.CURRENT_THREAD) ? AsyncRuntime.currentThread()
          : AsyncRuntime.builder().workerPool(WorkerPool.valueOf(kind)).multiThread(WORKERS)
              .build();
      try (rt) {
        Mpsc.Channel<Integer> ch = Mpsc.bounded(capacity);
        Snapshot before = Snapshot.now();
        JoinHandle<Long> consumer = rt.spawn(consumer(ch.receiver(), producers * perProducer));
        for (int p = 0; p < producers; p++) {
          rt.spawn(producer(ch.sender(), perProducer, work));
        }
        sum = rt.blockOn(consumer);
        Snapshot.now().addSince(before, usage);
      }
    } else {
      Snapshot before = Snapshot.now();
      sum = switch (contender) {
        case "virtual-threads-lbq" ->
            threads(new LinkedBlockingQueue<>(capacity), producers, perProducer, work);
        case "virtual-threads-abq" ->
            threads(new ArrayBlockingQueue<>(capacity), producers, perProducer, work);
        case "kotlin-single-thread" ->
            FanInKotlin.run(producers, perProducer, capacity, work, false);
        case "kotlin-default" -> FanInKotlin.run(producers, perProducer, capacity, work, true);
        default -> throw new IllegalArgumentException("unknown contender " + contender
            + "; use one of " + CONTENDERS + " or tinyrt-KIND for another WorkerPool");
      };
      Snapshot.now().addSince(before, usage);
    }
    if (sum != expected) {
      throw new IllegalStateException(contender + " received a sum of " + sum + ", not " + expected
          + ": a value was lost or received twice");
    }
  }

  /** The sum of {@code i & SMALL_MASK} for i below {@code count}. */
  static long expectedSum(int count) {
    long sum = 0;
    for (int i = 0; i < count; i++) {
      sum += i & SMALL_MASK;
    }
    return sum;
  }

  /** Virtual threads: each producer puts into the queue, one consumer takes every value. */
  static long threads(BlockingQueue<Integer> queue, int producers, int perProducer, int work)
      throws InterruptedException {
    long[] sum = new long[1];
    Thread consumer = Measure.startVirtual(() -> {
      try {
        for (int i = producers * perProducer; i > 0; i--) {
          sum[0] += queue.take();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Thread[] senders = new Thread[producers];
    for (int p = 0; p < producers; p++) {
      senders[p] = Measure.startVirtual(() -> {
        long x = SEED;
        try {
          for (int i = 0; i < perProducer; i++) {
            x = work(x, work);
            queue.put(i & SMALL_MASK);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        FanInKotlin.setSink(x);
      });
    }
    for (Thread t : senders) {
      t.join();
    }
    consumer.join();
    return sum[0];
  }

  /**
   * The {@code fanin} group of {@code scripts/bench}: every contender at 1, 2 and 8 producers,
   * interleaved round by round.
   */
  static void group(boolean quick, Path agent, int runs) throws Exception {
    long n = quick ? 200_000 : 1_000_000;
    for (int producers : PRODUCERS) {
      BenchMain.rounds(scenario(producers), CONTENDERS, n, runs, agent, "dev.tinyrt.bench.FanIn",
          /* warmups = */ quick ? 1 : 2, String.valueOf(producers));
    }
  }

  /** The scenario name of a producer count. */
  static String scenario(int producers) {
    return "fanin-" + producers;
  }

  /** The group's section of {@code docs/benchmarks.md}, or nothing if it was not measured. */
  static String markdown() {
    StringBuilder md = new StringBuilder();
    for (int producers : PRODUCERS) {
      String table = BenchMain.table(scenario(producers));
      if (!table.isEmpty()) {
        md.append("### ").append(producers).append(producers == 1 ? " producer" : " producers")
            .append("\n\n").append(table).append('\n');
      }
    }
    if (md.length() == 0) {
      return "";
    }
    return "## Fan-in\n\nP producer tasks send into one channel of capacity " + CAPACITY
        + " that one task receives from: tinyrt over one `Mpsc.bounded` channel (the producers "
        + "share its sender; the multi-threaded runtime with " + WORKERS + " workers), virtual "
        + "threads over a `LinkedBlockingQueue` (lbq) or an `ArrayBlockingQueue` (abq), Kotlin over a "
        + "`Channel` (`runBlocking` or `Dispatchers.Default`). CPU time and bytes are every thread's, "
        + "per message, from the JVM's per-thread counters.\n\n" + md;
  }
}
