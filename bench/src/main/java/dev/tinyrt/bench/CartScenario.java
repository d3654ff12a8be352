// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import dev.tinyrt.Future;
import dev.tinyrt.Poll;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.sync.Oneshot;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 1, parked carts, for one contender in this JVM: N carts each wait for a socks price
 * then a shoes price; one driver thread sends every first price, then every second. Prints one
 * JSON line: create µs per task, heap bytes per parked task (after GC, the price channels
 * excluded), RSS, and milliseconds from the first send until every cart is done.
 *
 * <p>{@code java [-javaagent:tinyrt-agent.jar] -cp tinyrt-benchmarks.jar
 * dev.tinyrt.bench.CartScenario CONTENDER N [WARMUPS]}
 *
 * <p>Each warm-up round runs as many carts as the measured one, up to {@link #WARMUP_CAP} (the
 * 10M round warms up at 1M): JMH's practice, a warm-up iteration the same as a measured one. Until
 * 2026-12-02 the warm-ups ran 50,000 carts whatever N was, so a 1M round measured each contender
 * in a JVM that had never held a million carts. With the whole heap given at start ({@code
 * -Xms6g}) that mattered most: {@code CompletableFuture} chains took 559–568 ms after 50k
 * warm-ups and 153–179 ms after 1M (tinyrt 158–353 ms, then 106–125 ms). On the default heap it
 * changed little (chains 780–1,001 ms against 873 before). docs/benchmarks.md section 20 has the
 * rounds. {@code -Dbench.cartWarmupSize=50000} gives the old rounds back, here or through {@code
 * java -Dbench.cartWarmupSize=50000 -cp bench/target/tinyrt-benchmarks.jar
 * dev.tinyrt.bench.BenchMain --only carts}, which passes it on to each measured JVM.
 */
public final class CartScenario {

  private CartScenario() {}

  /** The most carts a warm-up round runs by default: 1M (a 10M round warms up at 1M). */
  static final int WARMUP_CAP = 1_000_000;

  /**
   * The system property that sets the cap instead: {@code -Dbench.cartWarmupSize=50000} gives the
   * rounds before 2026-12-02 back. {@link BenchMain} passes it on to the JVMs it measures in;
   * {@code scripts/bench} takes no {@code -D} option, so run BenchMain with {@code java} for it.
   */
  static final String WARMUP_SIZE_PROPERTY = "bench.cartWarmupSize";

  /** The prices. */
  static final long SOCKS = 12;
  static final long SHOES = 89;

  /**
   * Runs one measured round after the warm-up rounds.
   *
   * @param args contender (tinyrt-async, tinyrt-hand, tinyrt-same-thread, platform-threads,
   *     virtual-threads, completable-future, kotlin-coroutines), N, warm-up rounds
   */
  public static void main(String[] args) throws Exception {
    String contender = args[0];
    int n = Integer.parseInt(args[1]);
    int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int warmupSize = Math.min(n, warmupCap());
    for (int i = 0; i < warmups; i++) {
      run(contender, warmupSize);
    }
    // Lets the Cleaner retire the warm-up's senders before the measured round takes its baseline.
    Measure.heapAfterGc();
    Measure.report(run(contender, n));
  }

  /** @return the cap on a warm-up round's carts: {@link #WARMUP_SIZE_PROPERTY}, else 1M */
  private static int warmupCap() {
    String value = System.getProperty(WARMUP_SIZE_PROPERTY);
    if (value == null) {
      return WARMUP_CAP;
    }
    try {
      int cap = Integer.parseInt(value.trim());
      if (cap >= 0) {
        return cap;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + WARMUP_SIZE_PROPERTY + "=" + value
        + ": give a count of carts, 0 or more (50000 for the rounds before 2026-12-02)");
  }

  static Map<String, Double> run(String contender, int n) throws Exception {
    return switch (contender) {
      case "tinyrt-async" -> tinyrt(n, true, false);
      case "tinyrt-hand" -> tinyrt(n, false, false);
      case "tinyrt-same-thread" -> tinyrt(n, true, true);
      case "platform-threads" -> threads(n, false);
      case "virtual-threads" -> threads(n, true);
      case "completable-future" -> completable(n);
      case "kotlin-coroutines" -> kotlin(n);
      default -> throw new IllegalArgumentException("unknown contender " + contender);
    };
  }

  /**
   * Every cart's two price channels, made before any cart is spawned (so the heap holds every
   * channel, then every cart): the tinyrt rounds of this scenario, {@link CpuTime} and {@link
   * CartProbe} lay it out alike.
   *
   * @param socks the socks prices' senders, by cart
   * @param shoes the shoes prices' senders, by cart
   * @param socksRx the socks prices' receivers, by cart
   * @param shoesRx the shoes prices' receivers, by cart
   */
  record PriceChannels(Oneshot.Sender<Long>[] socks, Oneshot.Sender<Long>[] shoes,
      Oneshot.Receiver<Long>[] socksRx, Oneshot.Receiver<Long>[] shoesRx) {

    /** @return the channels of {@code n} carts */
    @SuppressWarnings("unchecked")
    static PriceChannels make(int n) {
      PriceChannels c = new PriceChannels(new Oneshot.Sender[n], new Oneshot.Sender[n],
          new Oneshot.Receiver[n], new Oneshot.Receiver[n]);
      for (int i = 0; i < n; i++) {
        Oneshot.Channel<Long> a = Oneshot.channel();
        Oneshot.Channel<Long> b = Oneshot.channel();
        c.socks[i] = a.sender();
        c.socksRx[i] = a.receiver();
        c.shoes[i] = b.sender();
        c.shoesRx[i] = b.receiver();
      }
      return c;
    }
  }

  /**
   * The tinyrt rounds: the carts on a current-thread runtime, the prices sent by a driver thread,
   * or with {@code sameThread} by a task of the runtime (a diagnostic contender, by hand only, not
   * in {@code scripts/bench}: it takes away the hand-off between two threads, as a {@code
   * CompletableFuture} chain, run on the completing thread, has none).
   */
  static Map<String, Double> tinyrt(int n, boolean async, boolean sameThread) {
    PriceChannels prices = PriceChannels.make(n);
    Oneshot.Sender<Long>[] socks = prices.socks();
    Oneshot.Sender<Long>[] shoes = prices.shoes();
    Oneshot.Receiver<Long>[] socksRx = prices.socksRx();
    Oneshot.Receiver<Long>[] shoesRx = prices.shoesRx();
    // Every cart's handle, to check its total once the window is over; made before the baseline,
    // as the channels are, so the carts' heap does not count it (a handle is the task itself).
    @SuppressWarnings("unchecked")
    JoinHandle<Long>[] carts = new JoinHandle[n];
    long baseline = Measure.heapAfterGc();
    long rssBaseline = Measure.rss();
    AsyncRuntime rt = AsyncRuntime.currentThread();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Future<Long> cart = async
          ? Carts.cartTotal(socksRx[i], shoesRx[i])
          : new HandCart(socksRx[i], shoesRx[i]);
      carts[i] = rt.spawn(cart);
    }
    // A task spawned last runs after every cart queued before it: once it is done, every cart
    // was polled once and is parked on its socks price. (blockOn(yieldNow()) would not do: the
    // main future of a current-thread blockOn is polled again after a single task.)
    rt.blockOn(rt.spawn(Future.ready(0)));
    long created = System.nanoTime() - t0;
    if (rt.liveTasks() != n) {
      throw new IllegalStateException("expected " + n + " parked carts, found " + rt.liveTasks());
    }
    long heap = Measure.heapAfterGc() - baseline;
    long rss = Measure.rss();
    // The receivers' arrays are in the baseline and unused from here on: without the fences a
    // collection frees them (8 B a cart) before the parked heap is read, and the carts' own
    // bytes would be undercounted by that much.
    Reference.reachabilityFence(socksRx);
    Reference.reachabilityFence(shoesRx);
    long[] firstSend = new long[1];
    Runnable sendAll = () -> {
      firstSend[0] = System.nanoTime();
      for (int i = 0; i < n; i++) {
        socks[i].send(SOCKS);
      }
      for (int i = 0; i < n; i++) {
        shoes[i].send(SHOES);
      }
    };
    Thread driver = null;
    if (sameThread) {
      // Queued behind nothing (every cart is parked): the runtime's thread runs it first.
      rt.spawn(cx -> {
        sendAll.run();
        return Poll.ready(0);
      });
    } else {
      driver = new Thread(sendAll);
      driver.start();
    }
    // Drives the runtime on this thread until every cart has finished.
    if (!rt.shutdown(Duration.ofMinutes(10))) {
      throw new IllegalStateException("carts did not finish");
    }
    long done = System.nanoTime();
    if (driver != null) {
      joinQuietly(driver);
    }
    // This thread drove the runtime to the end: every cart that will ever finish has.
    Measure.checkFinished("cart", carts, i -> SOCKS + SHOES, Duration.ZERO);
    return result(n, created, heap, rss, rss - rssBaseline, done - firstSend[0]);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Double> threads(int n, boolean virtual) throws InterruptedException {
    CompletableFuture<Long>[] socks = prices(n);
    CompletableFuture<Long>[] shoes = prices(n);
    long baseline = Measure.heapAfterGc();
    long rssBaseline = Measure.rss();
    CountDownLatch done = new CountDownLatch(n);
    AtomicInteger waiting = new AtomicInteger();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      CompletableFuture<Long> a = socks[i];
      CompletableFuture<Long> b = shoes[i];
      Runnable cart = () -> {
        waiting.incrementAndGet();
        long total = a.join() + b.join();
        if (total == SOCKS + SHOES) {
          done.countDown();
        }
      };
      if (virtual) {
        Measure.startVirtual(cart);
      } else {
        Thread t = new Thread(null, cart, "cart", 256 * 1024);
        t.start();
      }
    }
    while (waiting.get() < n) {
      Thread.onSpinWait(); // every thread reached its first wait
    }
    long created = System.nanoTime() - t0;
    long heap = Measure.heapAfterGc() - baseline;
    long rss = Measure.rss();
    long firstSend = System.nanoTime();
    sendPrices(socks, shoes);
    awaitCarts(done);
    return result(n, created, heap, rss, rss - rssBaseline, System.nanoTime() - firstSend);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Double> completable(int n) throws InterruptedException {
    CompletableFuture<Long>[] socks = prices(n);
    CompletableFuture<Long>[] shoes = prices(n);
    long baseline = Measure.heapAfterGc();
    long rssBaseline = Measure.rss();
    CountDownLatch done = new CountDownLatch(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      CompletableFuture<Long> b = shoes[i];
      // Counts down on the right total only, as the threads' carts do.
      socks[i].thenCompose(s -> b.thenApply(sh -> s + sh)).thenAccept(total -> {
        if (total == SOCKS + SHOES) {
          done.countDown();
        }
      });
    }
    long created = System.nanoTime() - t0;
    long heap = Measure.heapAfterGc() - baseline;
    long rss = Measure.rss();
    long[] firstSend = new long[1];
    // The clock is read in the driver, as tinyrt's and Kotlin's drivers read it: not the start
    // of the thread.
    Thread driver = new Thread(() -> {
      firstSend[0] = System.nanoTime();
      sendPrices(socks, shoes);
    });
    driver.start();
    awaitCarts(done);
    long doneAt = System.nanoTime();
    joinQuietly(driver); // firstSend[0] is read after the join
    return result(n, created, heap, rss, rss - rssBaseline, doneAt - firstSend[0]);
  }

  /** Kotlin coroutines on {@code runBlocking}'s event loop over {@code CompletableDeferred}s. */
  static Map<String, Double> kotlin(int n) {
    long[] baseline = new long[2];
    long[] parked = new long[2];
    long[] nanos = KotlinContender.carts(n,
        () -> {
          baseline[0] = Measure.heapAfterGc();
          baseline[1] = Measure.rss();
        },
        () -> {
          parked[0] = Measure.heapAfterGc();
          parked[1] = Measure.rss();
        });
    return result(n, nanos[0], parked[0] - baseline[0], parked[1], parked[1] - baseline[1], nanos[1]);
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Long>[] prices(int n) {
    CompletableFuture<Long>[] prices = new CompletableFuture[n];
    for (int i = 0; i < n; i++) {
      prices[i] = new CompletableFuture<>();
    }
    return prices;
  }

  /** The driver's work: every first price, then every second. */
  private static void sendPrices(CompletableFuture<Long>[] socks, CompletableFuture<Long>[] shoes) {
    for (CompletableFuture<Long> s : socks) {
      s.complete(SOCKS);
    }
    for (CompletableFuture<Long> s : shoes) {
      s.complete(SHOES);
    }
  }

  private static Map<String, Double> result(
      int n, long createdNanos, long heap, long rss, long rssGrowth, long doneNanos) {
    Map<String, Double> m = Measure.metrics();
    m.put("create_us_per_task", createdNanos / 1000.0 / n);
    m.put("heap_bytes_per_task", (double) heap / n);
    m.put("rss_bytes_per_task", (double) rssGrowth / n);
    m.put("rss_mb", rss / 1048576.0);
    m.put("first_send_to_done_ms", doneNanos / 1e6);
    return m;
  }

  /** Waits for every cart to count down; a cart with a wrong total never does, so: bounded. */
  private static void awaitCarts(CountDownLatch done) throws InterruptedException {
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(done.getCount()
          + " carts did not finish with the right total in 10 minutes: the contender's cart "
          + "code is wrong or hung; run CartScenario CONTENDER 1000 by hand to see which");
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
