// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.Futures;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.sync.Oneshot;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The current-thread ping-pong, spawn+join inside a task, suspend+resume through a oneshot, and the
 * 1M carts, timed by the CPU time of the threads that do the
 * work ({@code ThreadMXBean}), not by the wall clock: on a shared, loaded machine the wall clock
 * mostly measures the wait for a core, while a thread's CPU time stays close to what the work
 * costs. Used to compare two builds of the runtime (put the other build's runtime jar first on the
 * class path) when the machine is too busy for {@code scripts/bench} to mean anything.
 *
 * <p>{@code java -javaagent:tinyrt-agent.jar -cp tinyrt-benchmarks.jar dev.tinyrt.bench.CpuTime
 * pingpong|spawnjoin|suspend|carts|cartsbacklog|cartsshuffled N [ROUNDS]}; prints one JSON line
 * per round after three warm-up rounds. {@code cartsbacklog} is the carts with every price sent
 * before the runtime thread runs: N outside wakes waiting, each cart done in one poll, so the
 * runtime thread's CPU per cart measures the take-in and the poll of a task another core woke,
 * with no second thread running meanwhile (a loaded machine disturbs it less than the carts);
 * {@code cartsshuffled} is the same with the prices sent in a random order (fixed seed), as I/O
 * completions come, so that the tasks and frames are not visited in the order they were
 * allocated in, and the hardware's prefetcher cannot guess the next line.
 */
public final class CpuTime {

  private CpuTime() {}

  /** The JVM's per-thread CPU clock. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Runs the warm-up rounds, then prints each measured round.
   *
   * @param args scenario (pingpong: N messages; carts: N carts), N, measured rounds
   */
  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    int n = Integer.parseInt(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    if (!java.util.List.of("pingpong", "spawnjoin", "suspend", "carts", "cartsbacklog",
        "cartsshuffled").contains(scenario)) {
      throw new IllegalArgumentException("unknown scenario " + scenario
          + ": use pingpong, spawnjoin, suspend, carts, cartsbacklog or cartsshuffled");
    }
    for (int i = 0; i < 3; i++) {
      run(scenario, scenario.startsWith("carts") ? 50_000 : 500_000);
    }
    for (int i = 0; i < rounds; i++) {
      Measure.report(run(scenario, n));
    }
  }

  private static Map<String, Double> run(String scenario, int n) throws InterruptedException {
    return switch (scenario) {
      case "pingpong" -> pingPong(n);
      case "spawnjoin" -> spawnJoin(n);
      case "suspend" -> suspendResume(n);
      case "cartsbacklog" -> carts(n, /* backlog = */ true, /* shuffled = */ false);
      case "cartsshuffled" -> carts(n, /* backlog = */ true, /* shuffled = */ true);
      default -> carts(n, /* backlog = */ false, /* shuffled = */ false);
    };
  }

  /** Spawn+join inside a task on the current-thread runtime: all of it on this thread. */
  static Map<String, Double> spawnJoin(int spawns) {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    long cpu = THREADS.getCurrentThreadCpuTime();
    long bytes = THREADS.getCurrentThreadAllocatedBytes();
    rt.blockOn(rt.spawn(SpawnJoinBenchmark.spawnAndJoin(spawns)));
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("cpu_ns_per_spawn_join", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / spawns);
    m.put("bytes_per_spawn_join",
        (double) (THREADS.getCurrentThreadAllocatedBytes() - bytes) / spawns);
    rt.close();
    return m;
  }

  /**
   * One side of the oneshot relay: awaits a sender on its receiver (a suspend and a resume), then
   * sends the other side, on that sender, the sender of a new channel it awaits next.
   */
  @SuppressWarnings("unchecked")
  static Future<Integer> relay(Oneshot.Receiver<Object> first, int rounds) {
    Oneshot.Receiver<Object> rx = first;
    for (int i = 0; i < rounds; i++) {
      Oneshot.Sender<Object> peer = (Oneshot.Sender<Object>) await(rx);
      Oneshot.Channel<Object> next = Oneshot.channel();
      rx = next.receiver();
      peer.send(next.sender());
    }
    return Future.ready(rounds);
  }

  /**
   * Suspend+resume through a oneshot on the current-thread runtime: two tasks hand each other
   * the sender of a new oneshot, so each hop is a channel, a send (a wake from the runtime's own
   * thread), a pending poll and the poll that resumes. All of it on this thread.
   */
  static Map<String, Double> suspendResume(int hops) {
    AsyncRuntime rt = AsyncRuntime.currentThread();
    Oneshot.Channel<Object> toA = Oneshot.channel();
    Oneshot.Channel<Object> toB = Oneshot.channel();
    long cpu = THREADS.getCurrentThreadCpuTime();
    long bytes = THREADS.getCurrentThreadAllocatedBytes();
    Future<Integer> a = rt.spawn(relay(toA.receiver(), hops / 2));
    Future<Integer> b = rt.spawn(relay(toB.receiver(), hops / 2));
    toA.sender().send(toB.sender());
    rt.blockOn(Futures.joinAll(a, b));
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("cpu_ns_per_suspend_resume", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / hops);
    m.put("bytes_per_suspend_resume",
        (double) (THREADS.getCurrentThreadAllocatedBytes() - bytes) / hops);
    rt.close();
    return m;
  }

  /** Ping-pong over bounded(1) channels on the current-thread runtime: all of it on this thread. */
  static Map<String, Double> pingPong(int messages) {
    long cpu = THREADS.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    PingPong.tinyrt(AsyncRuntime.currentThread(), messages / 2);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("cpu_ns_per_message", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / messages);
    m.put("wall_ns_per_message", (double) (System.nanoTime() - wall) / messages);
    return m;
  }

  /** {@link #carts(int, boolean, boolean)}, the prices sent while this thread runs the carts. */
  static Map<String, Double> carts(int n) throws InterruptedException {
    return carts(n, /* backlog = */ false, /* shuffled = */ false);
  }

  /**
   * {@link CartScenario}'s tinyrt run: channel creation and spawning on this thread, then one
   * driver thread sends every first price and every second while this thread runs the carts.
   *
   * @param backlog whether this thread waits for the driver to send every price before it runs
   *     the carts (then it polls each cart once, and the wall clock is the driver's then the
   *     runtime thread's)
   * @param shuffled whether the driver sends the prices in a random order rather than in the
   *     order the carts were spawned
   */
  @SuppressWarnings("unchecked")
  static Map<String, Double> carts(int n, boolean backlog, boolean shuffled)
      throws InterruptedException {
    // Creating the channels.
    long cpu = THREADS.getCurrentThreadCpuTime();
    CartScenario.PriceChannels prices = CartScenario.PriceChannels.make(n);
    long channels = THREADS.getCurrentThreadCpuTime() - cpu;
    Oneshot.Sender<Long>[] socks = prices.socks();
    Oneshot.Sender<Long>[] shoes = prices.shoes();
    Oneshot.Receiver<Long>[] socksRx = prices.socksRx();
    Oneshot.Receiver<Long>[] shoesRx = prices.shoesRx();
    // Spawning every cart and polling it once, until it parks on its socks price.
    AsyncRuntime rt = AsyncRuntime.currentThread();
    cpu = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      rt.spawn(Carts.cartTotal(socksRx[i], shoesRx[i]));
    }
    rt.blockOn(rt.spawn(Future.ready(0)));
    long spawned = THREADS.getCurrentThreadCpuTime() - cpu;
    // First send to done: the driver's CPU time and this thread's, and the wall clock.
    if (shuffled) {
      java.util.Random random = new java.util.Random(42);
      java.util.Collections.shuffle(java.util.Arrays.asList(socks), random);
      java.util.Collections.shuffle(java.util.Arrays.asList(shoes), random);
    }
    long[] driverCpu = new long[1];
    long[] firstSend = new long[1];
    Thread driver = new Thread(() -> {
      long start = THREADS.getCurrentThreadCpuTime();
      firstSend[0] = System.nanoTime();
      for (int i = 0; i < n; i++) {
        socks[i].send(CartScenario.SOCKS);
      }
      for (int i = 0; i < n; i++) {
        shoes[i].send(CartScenario.SHOES);
      }
      driverCpu[0] = THREADS.getCurrentThreadCpuTime() - start;
    });
    driver.start();
    if (backlog) {
      driver.join();
    }
    cpu = THREADS.getCurrentThreadCpuTime();
    if (!rt.shutdown(Duration.ofMinutes(10))) {
      throw new IllegalStateException("carts did not finish");
    }
    long wall = System.nanoTime() - firstSend[0];
    long runtimeCpu = THREADS.getCurrentThreadCpuTime() - cpu;
    driver.join();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("channels_cpu_ns_per_cart", (double) channels / n);
    m.put("spawn_to_parked_cpu_ns_per_cart", (double) spawned / n);
    m.put("driver_cpu_ms", driverCpu[0] / 1e6);
    m.put("runtime_cpu_ms", runtimeCpu / 1e6);
    m.put("runtime_cpu_ns_per_cart", (double) runtimeCpu / n);
    m.put("first_send_to_done_ms", wall / 1e6);
    return m;
  }
}
