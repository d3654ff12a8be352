// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code scripts/bench}: runs every scenario with its contenders side by side, each measurement
 * in a fresh JVM after warm-up rounds, several times; prints medians with their range; writes
 * {@code docs/benchmarks.md}, {@code docs/benchmarks.png} and, with {@code --json FILE}, the raw
 * medians.
 */
public final class BenchMain {

  private BenchMain() {}

  /** What one measurement reports, over its runs. */
  record Row(String scenario, String contender, long n, String metric, List<Double> values) {
    double median() {
      List<Double> v = new ArrayList<>(values);
      v.sort(null);
      int m = v.size() / 2;
      return v.size() % 2 == 1 ? v.get(m) : (v.get(m - 1) + v.get(m)) / 2;
    }

    double min() {
      return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
      return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
  }

  /** The children's JVM flags (besides the agent). A fixed heap (-Xms) made heap-after-GC readings noisy. */
  static final List<String> CHILD_FLAGS = List.of("-Xmx6g", "-XX:+UseG1GC");

  /** Platform threads beyond this count are not measured: the machine suffers. */
  static final int PLATFORM_THREAD_CAP = 10_000;

  private static final Map<String, Row> rows = new LinkedHashMap<>();

  /** Why platform threads stop at the cap, and how to read their columns. */
  private static final String PLATFORM_NOTE = "Platform threads are capped at "
      + String.format(Locale.ROOT, "%,d", PLATFORM_THREAD_CAP) + " carts: creating one costs about "
      + "half a millisecond here, and 10,000 of them already take the process to about 500 MB of "
      + "RSS (see the rss mb column), so 100,000 would take about a minute and several GB. Their "
      + "stacks live outside the heap, so their heap column is near zero and the chart leaves them "
      + "out of the heap panel.";

  /** Metrics measured but left out of the tables: too noisy to mean anything (RSS deltas move with GC). */
  private static final List<String> HIDDEN = List.of("rss_bytes_per_task");
  private static final List<String> notes = new ArrayList<>();

  /**
   * Runs the benchmarks.
   *
   * @param args {@code [--quick] [--json FILE] [--docs DIR] [--agent JAR] [--only
   *     carts|pingpong|micro] [--from-json FILE]}
   */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Path json = null;
    Path docs = Path.of("docs");
    Path agent = Path.of("agent/target/tinyrt-agent.jar");
    String only = null;
    Path fromJson = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--json" -> json = Path.of(args[++i]);
        case "--docs" -> docs = Path.of(args[++i]);
        case "--agent" -> agent = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        case "--from-json" -> fromJson = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (Runtime.version().feature() < 21) {
      throw new IllegalStateException("the benchmarks need Java 21+ for virtual threads; run "
          + "scripts/bench, which finds one");
    }
    String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    System.out.println("JVM: " + jvm + " (" + System.getProperty("java.home") + ")");
    System.out.println("children run with: " + String.join(" ", CHILD_FLAGS)
        + " -javaagent:" + agent);
    int runs = quick ? 3 : 5;
    int warmups = quick ? 1 : 2;
    long started = System.nanoTime();
    if (fromJson != null) {
      // Start from an earlier run's JSON: re-render it, or re-measure one scenario with --only.
      readJson(fromJson);
      if (only == null) {
        only = "none";
      }
      // The scenario measured again replaces its old rows.
      String measured = only.equals("pingpong") ? "ping-pong" : only;
      rows.values().removeIf(r -> r.scenario().equals(measured));
      if (!only.equals("carts")) {
        notes.add(PLATFORM_NOTE);
      }
    }

    if (only == null || only.equals("carts")) {
      long[] ns = quick ? new long[] {10_000, 100_000} : new long[] {10_000, 100_000, 1_000_000};
      String[] contenders = {
        "tinyrt-async", "tinyrt-hand", "virtual-threads", "completable-future", "platform-threads"
      };
      for (long n : ns) {
        for (String c : contenders) {
          if (c.equals("platform-threads") && n > PLATFORM_THREAD_CAP) {
            continue;
          }
          measure("carts", c, n, runs, agent, "dev.tinyrt.bench.CartScenario", c, n, warmups);
        }
      }
      notes.add(PLATFORM_NOTE);
    }
    if (only == null || only.equals("pingpong")) {
      long n = quick ? 200_000 : 1_000_000;
      for (String c : new String[] {
          "tinyrt-current-thread", "tinyrt-multi-thread", "virtual-threads", "platform-threads"}) {
        measure("ping-pong", c, n, runs, agent, "dev.tinyrt.bench.PingPong", c, n, warmups);
      }
    }
    if (only == null || only.equals("micro")) {
      micro(quick, agent);
    }


    printTables();
    if (json != null) {
      writeJson(json);
    }
    Files.createDirectories(docs);
    writeChart(docs.resolve("benchmarks.png"));
    writeMarkdown(docs.resolve("benchmarks.md"), jvm, quick, agent, runs, warmups);
    System.out.printf(Locale.ROOT, "done in %.0f s; wrote %s and %s%n",
        (System.nanoTime() - started) / 1e9, docs.resolve("benchmarks.md"),
        docs.resolve("benchmarks.png"));
  }

  /** Runs {@code mainClass} in {@code runs} fresh JVMs and records each metric it prints. */
  static void measure(String scenario, String contender, long n, int runs, Path agent,
      String mainClass, String arg, long size, int warmups) throws IOException, InterruptedException {
    for (int r = 0; r < runs; r++) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(CHILD_FLAGS);
      command.add("-javaagent:" + agent);
      command.add("-cp");
      command.add(ownJar());
      command.add(mainClass);
      command.add(arg);
      command.add(String.valueOf(size));
      command.add(String.valueOf(warmups));
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(scenario + " " + contender + " " + n + " failed:\n" + out);
      }
      String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
      Matcher m = Pattern.compile("\"([a-z_]+)\":([-0-9.E]+)").matcher(line);
      while (m.find()) {
        String metric = m.group(1);
        double value = Double.parseDouble(m.group(2));
        rows.computeIfAbsent(scenario + "|" + contender + "|" + n + "|" + metric,
            k -> new Row(scenario, contender, n, metric, new ArrayList<>())).values().add(value);
      }
      System.out.printf("%-10s %-22s n=%-8d run %d: %s%n", scenario, contender, n, r + 1, line);
    }
  }

  /** The micro-benchmarks, through JMH with its GC profiler. */
  static void micro(boolean quick, Path agent) throws Exception {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("dev.tinyrt.bench.(ReadyAwait|SuspendResume|SpawnJoin)Benchmark")
        .addProfiler(GCProfiler.class)
        .jvmArgsAppend("-javaagent:" + agent)
        .forks(1);
    if (quick) {
      options.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
    } else {
      options.warmupIterations(3).warmupTime(TimeValue.seconds(1))
          .measurementIterations(5).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replace("dev.tinyrt.bench.", "")
          .replace("Benchmark", "");
      String param = r.getParams().getParamsKeys().isEmpty()
          ? "" : " " + r.getParams().getParam(r.getParams().getParamsKeys().iterator().next());
      String contender = name + param;
      Result primary = r.getPrimaryResult();
      record(contender, "ns_per_op", primary.getScore(), primary.getScoreError());
      Result alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      if (alloc != null) {
        record(contender, "bytes_per_op", alloc.getScore(), alloc.getScoreError());
      }
    }
  }

  /** JMH's score error (99.9% interval half-width) by row key. */
  private static final Map<String, Double> errors = new LinkedHashMap<>();

  private static void record(String contender, String metric, double score, double error) {
    String key = "micro|" + contender + "|" + metric;
    rows.put(key, new Row("micro", contender, 0, metric, List.of(score)));
    errors.put(key, Double.isNaN(error) ? 0 : error);
  }

  private static String ownJar() {
    try {
      return new File(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getPath();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // Reports.

  static String fmt(double v) {
    double a = Math.abs(v);
    if (a >= 1e7) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String cell(Row r) {
    Double error = errors.get(r.scenario() + "|" + r.contender() + "|" + r.metric());
    if (error != null) {
      return fmt(r.median()) + " ± " + fmt(error);
    }
    return fmt(r.median()) + " (" + fmt(r.min()) + "–" + fmt(r.max()) + ")";
  }

  /** Rows of one scenario as a markdown table: contender and n by metric. */
  static String table(String scenario) {
    List<String> metrics = new ArrayList<>();
    Map<String, Map<String, Row>> byLine = new LinkedHashMap<>();
    for (Row r : rows.values()) {
      if (!r.scenario().equals(scenario) || HIDDEN.contains(r.metric())) {
        continue;
      }
      if (!metrics.contains(r.metric())) {
        metrics.add(r.metric());
      }
      String line = r.contender() + (r.n() > 0 ? " | " + String.format(Locale.ROOT, "%,d", r.n()) : "");
      byLine.computeIfAbsent(line, k -> new LinkedHashMap<>()).put(r.metric(), r);
    }
    if (byLine.isEmpty()) {
      return "";
    }
    boolean hasN = !scenario.equals("micro");
    StringBuilder t = new StringBuilder("| contender" + (hasN ? " | n" : ""));
    for (String m : metrics) {
      t.append(" | ").append(m.replace('_', ' '));
    }
    t.append(" |\n|---").append(hasN ? "|---:" : "");
    metrics.forEach(m -> t.append("|---:"));
    t.append("|\n");
    byLine.forEach((line, cells) -> {
      t.append("| ").append(line);
      for (String m : metrics) {
        Row r = cells.get(m);
        t.append(" | ").append(r == null ? "" : cell(r));
      }
      t.append(" |\n");
    });
    return t.toString();
  }

  static void printTables() {
    for (String s : List.of("carts", "ping-pong", "micro")) {
      String t = table(s);
      if (!t.isEmpty()) {
        System.out.println("\n== " + s + " (median (min–max))\n" + t);
      }
    }
  }

  static void writeJson(Path file) throws IOException {
    StringBuilder j = new StringBuilder("[\n");
    for (Row r : rows.values()) {
      if (j.length() > 2) {
        j.append(",\n");
      }
      Double error = errors.get(r.scenario() + "|" + r.contender() + "|" + r.metric());
      j.append(String.format(Locale.ROOT,
          "  {\"scenario\":\"%s\",\"contender\":\"%s\",\"n\":%d,\"metric\":\"%s\",\"value\":%s,"
              + "\"min\":%s,\"max\":%s,\"runs\":%d%s}",
          r.scenario(), r.contender(), r.n(), r.metric(), r.median(), r.min(), r.max(),
          r.values().size(), error == null ? "" : ",\"error\":" + error));
    }
    Files.writeString(file, j.append("\n]\n"));
  }

  /** Loads the rows of an earlier run's {@code --json} file. */
  static void readJson(Path file) throws IOException {
    Pattern row = Pattern.compile("\\{\"scenario\":\"([^\"]*)\",\"contender\":\"([^\"]*)\",\"n\":(\\d+),"
        + "\"metric\":\"([^\"]*)\",\"value\":([-0-9.E]+|NaN),\"min\":([-0-9.E]+|NaN),\"max\":([-0-9.E]+|NaN),"
        + "\"runs\":(\\d+)(?:,\"error\":([-0-9.E]+|NaN))?\\}");
    for (String line : Files.readAllLines(file)) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        List<Double> values = new ArrayList<>(List.of(
            Double.parseDouble(m.group(6)), Double.parseDouble(m.group(5)),
            Double.parseDouble(m.group(7))));
        String key = m.group(1).equals("micro")
            ? m.group(1) + "|" + m.group(2) + "|" + m.group(4)
            : m.group(1) + "|" + m.group(2) + "|" + m.group(3) + "|" + m.group(4);
        rows.put(key, new Row(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4), values));
        if (m.group(9) != null) {
          errors.put(m.group(1) + "|" + m.group(2) + "|" + m.group(4), Double.parseDouble(m.group(9)));
        }
      }
    }
  }

  static void writeChart(Path file) throws IOException {
    Map<String, List<double[]>> heap = new LinkedHashMap<>();
    Map<String, List<double[]>> done = new LinkedHashMap<>();
    for (Row r : rows.values()) {
      if (!r.scenario().equals("carts")) {
        continue;
      }
      if (r.metric().equals("heap_bytes_per_task") && !r.contender().equals("platform-threads")) {
        heap.computeIfAbsent(r.contender(), k -> new ArrayList<>()).add(new double[] {r.n(), r.median()});
      } else if (r.metric().equals("first_send_to_done_ms")) {
        done.computeIfAbsent(r.contender(), k -> new ArrayList<>()).add(new double[] {r.n(), r.median()});
      }
    }
    if (heap.isEmpty()) {
      return;
    }
    Chart.write(file, "parked carts N", List.of(
        new Chart.Panel("Heap per parked cart task", "bytes per task", heap),
        new Chart.Panel("First send until every cart is done", "milliseconds", done)));
  }

  static double median(String key) {
    Row r = rows.get(key);
    return r == null ? Double.NaN : r.median();
  }

  static void writeMarkdown(Path file, String jvm, boolean quick, Path agent, int runs, int warmups)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# tinyrt benchmarks\n\n");
    md.append("Measured on ").append(LocalDate.now()).append(" with `scripts/bench")
        .append(quick ? " --quick" : "").append("`").append(quick ? " (the quick set: smaller N, fewer runs)" : "")
        .append(".\n\n");
    md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(memTotal()).append(", ").append(System.getProperty("os.name")).append(' ')
        .append(System.getProperty("os.arch")).append('\n');
    md.append("- JVM: ").append(jvm).append("; each measurement in a fresh JVM with `")
        .append(String.join(" ", CHILD_FLAGS)).append(" -javaagent:").append(agent).append("`, after ")
        .append(warmups).append(" warm-up round(s) in that JVM; ").append(runs)
        .append(" runs each; cells are median (min–max).\n");
    md.append("- Benchmarks JVM flags: ")
        .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append("\n\n");
    md.append("Reproduce: `scripts/bench` (or `scripts/bench --quick`, under three minutes on two cores; ")
        .append("`--json FILE` for the raw medians).\n\n");
    md.append("![heap per parked task and completion time against N](benchmarks.png)\n\n");

    md.append("## 1. Parked carts\n\nN tasks, each the chapter's `cartTotal` (await the socks price, await ")
        .append("the shoes price, add); one driver thread completes every first price, then every second. ")
        .append("tinyrt runs on its current-thread runtime, with the agent-rewritten async method or the ")
        .append("hand-written state machine, over `Oneshot` channels; threads block on and chains compose ")
        .append("`CompletableFuture`s. Heap per task is measured after GC with every task parked, the price ")
        .append("channels excluded (they exist before the baseline).\n\n");
    md.append(table("carts")).append('\n');
    notes.forEach(n -> md.append(n).append("\n\n"));
    md.append("## 2. Ping-pong\n\nTwo tasks pass a message back and forth, N messages in all: tinyrt over two ")
        .append("bounded(1) mpsc channels, threads over two `SynchronousQueue`s.\n\n");
    md.append(table("ping-pong")).append('\n');
    md.append("## 3. Micro (JMH, `-prof gc`)\n\nReadyAwait: one await of a ready future inside an async ")
        .append("method (1,000 per invocation) against the same loop by hand. SuspendResume: a oneshot, a ")
        .append("frame, a pending poll, a send, a ready poll. SpawnJoin: spawn an empty task and join it. ")
        .append("Cells are score ± JMH's 99.9% error.\n\n");
    md.append(table("micro")).append('\n');

    md.append("## Where we stand against our targets\n\n| target | measured | verdict |\n|---|---|---|\n");
    long big = quick ? 100_000 : 1_000_000;
    double heap = median("carts|tinyrt-async|" + big + "|heap_bytes_per_task");
    double done = median("carts|tinyrt-async|" + big + "|first_send_to_done_ms");
    double pp = median("ping-pong|tinyrt-current-thread|" + (quick ? 200_000 : 1_000_000)
        + "|messages_per_second");
    double ready = median("micro|ReadyAwait.asyncMethod|ns_per_op");
    double readyAlloc = median("micro|ReadyAwait.asyncMethod|bytes_per_op");
    md.append(String.format(Locale.ROOT, "| at most 64 B per parked cart task | %.0f B at N=%,d | %s |%n",
        heap, big, heap <= 64 ? "met" : "missed"));
    md.append(String.format(Locale.ROOT, "| 1M carts, first send to done, under 150 ms | %.0f ms at N=%,d | %s |%n",
        done, big, quick ? "not measured at 1M in --quick" : done < 150 ? "met" : "missed"));
    md.append(String.format(Locale.ROOT, "| ping-pong above 10M msg/s (current-thread) | %s msg/s | %s |%n",
        fmt(pp), pp > 10e6 ? "met" : "missed"));
    md.append(String.format(Locale.ROOT, "| await of a ready future under 5 ns, 0 B/op | %.3f ns, %.3f B/op | %s |%n",
        ready, readyAlloc, ready < 5 && readyAlloc < 0.5 ? "met" : "missed"));
    md.append("\nWhat costs what, and what we left, is in the notes of the benchmark issue and below.\n");
    Path notesFile = file.resolveSibling("benchmarks-notes.md");
    if (Files.exists(notesFile)) {
      md.append('\n').append(Files.readString(notesFile));
    }
    Files.writeString(file, md);
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.0f GiB", kb / 1048576.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "memory unknown";
  }
}
