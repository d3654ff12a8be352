// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import static dev.tinyrt.Async.await;

import dev.tinyrt.Future;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.Tasks;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each run-time diagnostic costs, on and off ({@code scripts/bench --only diag}): the same
 * work in a fresh JVM per configuration, the configurations interleaved round by round, timed by
 * the CPU time of the threads that do it ({@link CpuTime}'s reason: the machine is shared).
 *
 * <ul>
 *   <li>{@code cpu_ns_per_cart}: {@link CpuTime#carts} (spawn, park twice, finish), all threads;
 *   <li>{@code cpu_ns_per_yield_await}: one task awaiting {@code Tasks.yieldNow()} in a loop: each
 *       await suspends, and the task is polled again by the poll loop (the slow-poll and
 *       lost-waker hooks);
 *   <li>{@code cpu_ns_per_inline_call}: an async method calling and awaiting another that is
 *       ready at once: a frame made and polled per call (the never-polled hooks).
 * </ul>
 *
 * <p>{@code java -cp tinyrt-benchmarks.jar dev.tinyrt.bench.DiagnosticsCost --agent JAR [--quick]}
 */
public final class DiagnosticsCost {

  private DiagnosticsCost() {}

  /** The configurations: a name and the JVM flags that make it. */
  static final Map<String, List<String>> CONFIGS = new LinkedHashMap<>();

  static {
    CONFIGS.put("all off", List.of());
    CONFIGS.put("taskStats", List.of("-Dtinyrt.taskStats=true"));
    CONFIGS.put("slowPoll=100ms", List.of("-Dtinyrt.slowPoll=100ms"));
    CONFIGS.put("neverPolled", List.of("-Dtinyrt.neverPolled=true"));
    CONFIGS.put("lostWakers", List.of("-Dtinyrt.lostWakers=true"));
    CONFIGS.put("all on", List.of("-Dtinyrt.taskStats=true", "-Dtinyrt.slowPoll=100ms",
        "-Dtinyrt.neverPolled=true", "-Dtinyrt.lostWakers=true", "-Dtinyrt.jmx=true"));
  }

  /** The per-thread CPU clock. */
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Runs every configuration in child JVMs and prints a table (parent), or measures one (child).
   *
   * @param args {@code --agent JAR [--quick]}, or {@code child CARTS AWAITS ROUNDS}
   * @throws Exception if a child fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      return;
    }
    String agent = null;
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--agent" -> agent = args[++i];
        case "--quick" -> quick = true;
        default -> throw new IllegalArgumentException(
            "unknown option " + args[i] + "; options: --agent JAR --quick");
      }
    }
    if (agent == null) {
      throw new IllegalArgumentException("--agent JAR is needed: the work is async methods");
    }
    int carts = quick ? 100_000 : 1_000_000;
    int awaits = quick ? 1_000_000 : 5_000_000;
    int rounds = quick ? 2 : 3;
    Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, List<String>> config : CONFIGS.entrySet()) {
        results.computeIfAbsent(config.getKey(), k -> new ArrayList<>())
            .add(runChild(agent, config.getValue(), carts, awaits));
      }
    }
    System.out.printf(Locale.ROOT, "diagnostics on and off: %,d carts, %,d awaits, best of %d "
        + "fresh JVMs each (CPU ns)%n", carts, awaits, rounds);
    System.out.printf(Locale.ROOT, "| %-16s | %12s | %12s | %12s |%n", "configuration",
        "per cart", "per yield", "per call");
    System.out.println("|------------------|--------------|--------------|--------------|");
    for (Map.Entry<String, List<Map<String, Double>>> e : results.entrySet()) {
      System.out.printf(Locale.ROOT, "| %-16s | %12.0f | %12.1f | %12.1f |%n", e.getKey(),
          best(e.getValue(), "cpu_ns_per_cart"), best(e.getValue(), "cpu_ns_per_yield_await"),
          best(e.getValue(), "cpu_ns_per_inline_call"));
    }
  }

  private static double best(List<Map<String, Double>> runs, String key) {
    return runs.stream().mapToDouble(m -> m.get(key)).min().orElse(Double.NaN);
  }

  /** Runs one configuration in a fresh JVM and reads its last line. */
  private static Map<String, Double> runChild(
      String agent, List<String> flags, int carts, int awaits) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-javaagent:" + agent);
    command.addAll(flags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        DiagnosticsCost.class.getName(), "child", "" + carts, "" + awaits, "1"));
    String out = BenchMain.runChild(command, BenchMain.CHILD_TIMEOUT, "child " + flags);
    Map<String, Double> m = new LinkedHashMap<>();
    String[] lines = out.strip().split("\n");
    for (String kv : lines[lines.length - 1].split(" ")) {
      String[] parts = kv.split("=");
      m.put(parts[0], Double.parseDouble(parts[1]));
    }
    return m;
  }

  /** The child: warms up, then prints one line of {@code key=value} per measured round. */
  private static void child(int carts, int awaits, int rounds) throws Exception {
    for (int i = 0; i < 3; i++) {
      measure(50_000, 200_000);
    }
    for (int i = 0; i < rounds; i++) {
      Map<String, Double> m = measure(carts, awaits);
      StringBuilder line = new StringBuilder();
      m.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=')
          .append(String.format(Locale.ROOT, "%.2f", v)));
      System.out.println(line);
    }
  }

  private static Map<String, Double> measure(int carts, int awaits) throws Exception {
    Map<String, Double> m = new LinkedHashMap<>();
    Map<String, Double> c = CpuTime.carts(carts);
    double cartCpuNs = c.get("channels_cpu_ns_per_cart") + c.get("spawn_to_parked_cpu_ns_per_cart")
        + (c.get("driver_cpu_ms") + c.get("runtime_cpu_ms")) * 1e6 / carts;
    m.put("cpu_ns_per_cart", cartCpuNs);
    try (AsyncRuntime rt = AsyncRuntime.currentThread()) {
      long cpu = THREADS.getCurrentThreadCpuTime();
      rt.blockOn(rt.spawn(yields(awaits)));
      m.put("cpu_ns_per_yield_await", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / awaits);
      cpu = THREADS.getCurrentThreadCpuTime();
      rt.blockOn(rt.spawn(calls(awaits)));
      m.put("cpu_ns_per_inline_call", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / awaits);
    }
    return m;
  }

  /** Awaits {@code Tasks.yieldNow()} {@code n} times: each await parks and is polled again. */
  static Future<Long> yields(int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      await(Tasks.yieldNow());
      sum += i;
    }
    return Future.ready(sum);
  }

  /** Calls and awaits {@link #addOne} {@code n} times: a frame made and polled once per call. */
  static Future<Long> calls(int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += await(addOne(i));
    }
    return Future.ready(sum);
  }

  /** An async method ready at its first poll. */
  static Future<Long> addOne(long v) {
    long w = await(Future.ready(v));
    return Future.ready(w + 1);
  }
}
