// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.sync.Oneshot;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;

/**
 * A look inside the tinyrt round of {@link CartScenario}'s 1M carts (docs/benchmarks.md section
 * 13): per measured round, when the driver had sent every socks and every shoes price, when every
 * cart was done, each thread's CPU, the collections (count and milliseconds, every collector's)
 * inside the window, and the window's {@code System.nanoTime} bounds in seconds
 * ({@code WINDOW start end}), for {@code perf record -k CLOCK_MONOTONIC} and {@code perf report
 * --time}. Not a benchmark row: it reports every round, so that the rounds where the driver outruns
 * the runtime thread (each cart polled once) and those where it does not (twice) show apart.
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar dev.tinyrt.bench.CartProbe
 * N WARMUPS WARMUP_N ROUNDS}; with {@code -Dprobe.youngAfter=true} it forces a young collection
 * after each window, so that {@code -Xlog:gc+refine+stats=debug} reports the cards the window
 * dirtied and refined (with whatever the round's set-up dirtied since the last young collection).
 */
public final class CartProbe {

  private CartProbe() {}

  /** @param args N, warm-up rounds, carts per warm-up round, measured rounds */
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int warmups = Integer.parseInt(args[1]);
    int warmupN = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    for (int i = 0; i < warmups; i++) {
      round(warmupN, false);
    }
    Measure.heapAfterGc();
    for (int r = 0; r < rounds; r++) {
      round(n, true);
    }
  }

  private static void round(int n, boolean print) throws InterruptedException {
    // The heap laid out as CartScenario lays it out: every channel first, then every cart.
    CartScenario.PriceChannels prices = CartScenario.PriceChannels.make(n);
    Oneshot.Sender<Long>[] socks = prices.socks();
    Oneshot.Sender<Long>[] shoes = prices.shoes();
    Measure.heapAfterGc();
    AsyncRuntime rt = AsyncRuntime.currentThread();
    for (int i = 0; i < n; i++) {
      rt.spawn(Carts.cartTotal(prices.socksRx()[i], prices.shoesRx()[i]));
    }
    // Every cart polled once and parked on its socks price (see CartScenario), then all of it old.
    rt.blockOn(rt.spawn(Future.ready(0)));
    Measure.heapAfterGc();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] at = new long[5]; // start, socks sent, shoes sent, driver CPU, driver bytes
    com.sun.management.ThreadMXBean bytes = (com.sun.management.ThreadMXBean) threads;
    Thread driver = new Thread(() -> {
      long cpu = threads.getCurrentThreadCpuTime();
      long allocated = bytes.getCurrentThreadAllocatedBytes();
      at[0] = System.nanoTime();
      for (int i = 0; i < n; i++) {
        socks[i].send(CartScenario.SOCKS);
      }
      at[1] = System.nanoTime();
      for (int i = 0; i < n; i++) {
        shoes[i].send(CartScenario.SHOES);
      }
      at[2] = System.nanoTime();
      at[3] = threads.getCurrentThreadCpuTime() - cpu;
      at[4] = bytes.getCurrentThreadAllocatedBytes() - allocated;
    });
    long[] gcBefore = collections();
    long runtimeCpu = threads.getCurrentThreadCpuTime();
    long runtimeBytes = bytes.getCurrentThreadAllocatedBytes();
    driver.start();
    if (!rt.shutdown(Duration.ofMinutes(10))) {
      throw new IllegalStateException("carts did not finish");
    }
    long done = System.nanoTime();
    long[] gcAfter = collections();
    runtimeCpu = threads.getCurrentThreadCpuTime() - runtimeCpu;
    runtimeBytes = bytes.getCurrentThreadAllocatedBytes() - runtimeBytes;
    driver.join();
    if (print) {
      System.out.printf(Locale.ROOT, "WINDOW %.6f %.6f%n", at[0] / 1e9, done / 1e9);
      System.out.printf(Locale.ROOT, "socks sent %.1f  shoes sent %.1f  done %.1f ms; "
          + "driver cpu %.1f runtime cpu %.1f; bytes a cart: driver %.1f runtime %.1f%n",
          (at[1] - at[0]) / 1e6, (at[2] - at[0]) / 1e6, (done - at[0]) / 1e6, at[3] / 1e6,
          runtimeCpu / 1e6, (double) at[4] / n, (double) runtimeBytes / n);
      System.out.printf(Locale.ROOT, "collections in the window %d, %d ms%n",
          gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]);
    }
    if (Boolean.getBoolean("probe.youngAfter")) {
      youngCollection();
    }
  }

  /** @return every collector's collection count and milliseconds, summed */
  private static long[] collections() {
    long[] sum = new long[2];
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum[0] += b.getCollectionCount();
      sum[1] += b.getCollectionTime();
    }
    return sum;
  }

  /** Allocates until the young generation's collector ran once more. */
  private static void youngCollection() {
    GarbageCollectorMXBean young = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(b -> b.getName().contains("Young")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no young collector: run it under G1"));
    long before = young.getCollectionCount();
    Object[] keep = new Object[64];
    for (int k = 0; young.getCollectionCount() == before; k++) {
      keep[k & 63] = new byte[4096];
    }
  }
}
