// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

  /** The children's JVM flags (besides the agent and the collector). A fixed heap (-Xms) made heap-after-GC readings noisy. */
  static final List<String> CHILD_FLAGS = List.of("-Xmx6g");

  /**
   * The collectors {@code --gc} accepts, by name, with the flag that selects each. G1, the JDK's
   * default, is the benchmarks' default; Parallel shows what G1's write barrier and card
   * refinement cost every contender (docs/benchmarks.md section 13).
   */
  static final Map<String, String> COLLECTORS = Map.of(
      "G1", "-XX:+UseG1GC", "Parallel", "-XX:+UseParallelGC", "Serial", "-XX:+UseSerialGC",
      "Z", "-XX:+UseZGC");

  /** The children's collector: a key of {@link #COLLECTORS}. */
  private static String collector = "G1";

  /**
   * Whether the children's heap is fixed at its maximum ({@code --heap fixed}: {@code -Xms} equal
   * to {@code -Xmx}), rather than sized by the JVM ({@code --heap default}). The heap readings
   * before each timed window collect four times (G1 then shrinks the heap), and in the window
   * that follows G1's concurrent card refinement takes CPU from the measured threads on a two-core
   * machine; with the heap fixed, a profile of the windows found none, and every contender ran
   * faster (docs/benchmarks.md section 18). Not the default, so that the default run stays
   * comparable with the earlier ones and with an unconfigured JVM.
   */
  private static boolean fixedHeap;

  /** Platform threads beyond this count are not measured: the machine suffers. */
  static final int PLATFORM_THREAD_CAP = 10_000;

  private static final Map<String, Row> rows = new LinkedHashMap<>();

  /** Keys of the rows measured by this process (not read from an earlier run's JSON). */
  private static final Set<String> measuredKeys = new HashSet<>();

  /**
   * Keys of the rows that lost a round (a value that was not a number): their values no longer
   * stand at their rounds' places, so no ratio is taken of them round by round.
   */
  private static final Set<String> unpaired = new HashSet<>();

  /** Forgets every row and note (tests: the harness keeps one run's state in these statics). */
  static void forgetRows() {
    rows.clear();
    measuredKeys.clear();
    unpaired.clear();
    notes.clear();
  }

  /** @return the row of that key ({@code scenario|contender|n|metric}), or null (tests) */
  static Row row(String key) {
    return rows.get(key);
  }

  /** @return the notes the page will carry (tests) */
  static List<String> notes() {
    return List.copyOf(notes);
  }

  /** Why platform threads stop at the cap, and how to read their columns. */
  private static final String PLATFORM_NOTE = "Platform threads are capped at "
      + String.format(Locale.ROOT, "%,d", PLATFORM_THREAD_CAP) + " carts (and left out of --quick, with their ping-pong): "
      + "creating one costs about "
      + "half a millisecond here, and 10,000 of them already take the process to about 500 MB of "
      + "RSS (see the rss mb column), so 100,000 would take about a minute and several GB. Their "
      + "stacks live outside the heap, so their heap column is near zero and the chart leaves them "
      + "out of the heap panel.";

  /** Metrics measured but left out of the tables: too noisy to mean anything (RSS deltas move with GC). */
  private static final List<String> HIDDEN = List.of("rss_bytes_per_task",
      cartsRatioMetric("completable-future"), cartsRatioMetric("kotlin-coroutines"));
  private static final List<String> notes = new ArrayList<>();

  /** A command line {@code scripts/bench} does not take: reported in one line, exit status 2. */
  private static final class BadOption extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadOption(String message) {
      super(message);
    }
  }

  /**
   * @return {@code args[i]}, the value of the option before it
   * @throws BadOption if the command line ends before it
   */
  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new BadOption(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  /**
   * Runs the benchmarks.
   *
   * @param args {@code [--quick] [--json FILE] [--docs DIR] [--agent JAR] [--only
   *     carts|pingpong|outside|yield|io|micro|fanin] [--from-json FILE] [--runtimes KIND,KIND]
   *     [--gc G1|Parallel|Serial|Z] [--heap fixed|default]}
   */
  public static void main(String[] args) throws Exception {
    try {
      run(args);
    } catch (BadOption e) {
      // A bad command line: say what is wrong and how to ask for the usage, no stack trace.
      System.err.println("scripts/bench: " + e.getMessage() + " (scripts/bench --help lists them)");
      System.exit(2);
    }
  }

  /** {@link #main}, which turns a {@link BadOption} into a message. */
  private static void run(String[] args) throws Exception {
    boolean quick = false;
    Path json = null;
    Path docs = Path.of("docs");
    Path agent = Path.of("agent/target/tinyrt-agent.jar");
    String only = null;
    Path fromJson = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--json" -> json = Path.of(value(args, ++i));
        case "--docs" -> docs = Path.of(value(args, ++i));
        case "--agent" -> agent = Path.of(value(args, ++i));
        case "--only" -> only = value(args, ++i);
        case "--from-json" -> fromJson = Path.of(value(args, ++i));
        case "--runtimes" -> System.setProperty("tinyrt.runtimes", value(args, ++i));
        case "--gc" -> collector = value(args, ++i);
        case "--heap" -> fixedHeap = switch (value(args, ++i)) {
          case "fixed" -> true;
          case "default" -> false;
          default -> throw new BadOption("--heap takes fixed or default, not " + args[i]);
        };
        default -> throw new BadOption("unknown option " + args[i]
            + "; options: --quick --json FILE --docs DIR --agent JAR --only "
            + String.join("|", GROUPS) + " --from-json FILE --runtimes KIND,KIND --gc "
            + String.join("|", new TreeSet<>(COLLECTORS.keySet())) + " --heap fixed|default");
      }
    }
    if (!COLLECTORS.containsKey(collector)) {
      throw new BadOption("--gc takes one of "
          + new TreeSet<>(COLLECTORS.keySet()) + ", not " + collector);
    }
    if (only != null && !only.equals("none") && !GROUPS.contains(only)) {
      throw new BadOption("--only takes one of " + GROUPS + ", not " + only);
    }
    if (Runtime.version().feature() < 21) {
      throw new IllegalStateException("the benchmarks need Java 21+ for virtual threads; run "
          + "scripts/bench, which finds one");
    }
    String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    System.out.println("JVM: " + jvm + " (" + System.getProperty("java.home") + ")");
    int runs = quick ? 2 : 5;
    int warmups = quick ? 1 : 2;
    pingPongMinSeconds = quick ? 0.25 : 1;
    pingPongMessages = quick ? 500_000 : 2_000_000;
    System.out.println("children run with: " + String.join(" ", childFlags())
        + " -javaagent:" + agent);
    System.out.println("tinyrt runtime kinds: " + Runtimes.kinds(true));
    long started = System.nanoTime();
    if (fromJson != null) {
      // Start from an earlier run's JSON: re-render it, or re-measure one group with --only.
      readJson(fromJson);
      if (only == null) {
        only = "none";
      }
      // The group measured again replaces its old rows.
      String group = only;
      rows.values().removeIf(r -> groupOf(r.scenario()).equals(group));
    }

    List<String> tinyrtKinds = Runtimes.kinds(true).stream().map(k -> Runtimes.PREFIX + k).toList();
    List<String> tinyrtPools = Runtimes.kinds(false).stream().map(k -> Runtimes.PREFIX + k).toList();
    if (only == null || only.equals("carts")) {
      long[] ns = quick ? new long[] {10_000, 100_000} : new long[] {10_000, 100_000, 1_000_000};
      for (long n : ns) {
        List<String> contenders = new ArrayList<>(List.of("tinyrt-async", "tinyrt-hand",
            "virtual-threads", "completable-future", "kotlin-coroutines"));
        if (quick) {
          contenders.remove("tinyrt-hand"); // an internal comparison: full runs only
        }
        if (n <= PLATFORM_THREAD_CAP && !quick) {
          contenders.add("platform-threads");
        }
        rounds("carts", contenders, n, runs, agent, "dev.tinyrt.bench.CartScenario", warmups);
      }
      if (!quick) {
        // The per-task cost at scale: only tinyrt (the others need several GB at 10M).
        rounds("carts", List.of("tinyrt-async"), 10_000_000, 2, agent,
            "dev.tinyrt.bench.CartScenario", 1);
      }
    }
    if (only == null || only.equals("pingpong")) {
      List<String> contenders = new ArrayList<>(tinyrtKinds);
      contenders.addAll(List.of("virtual-threads", "kotlin-single-thread", "kotlin-default"));
      if (!quick) {
        contenders.add("platform-threads");
      }
      rounds("ping-pong", contenders, pingPongMessages, runs, agent, "dev.tinyrt.bench.PingPong",
          warmups);
    }
    if (only == null || only.equals("outside")) {
      long n = quick ? 100_000 : 1_000_000;
      List<String> contenders = new ArrayList<>(tinyrtKinds);
      contenders.addAll(List.of("virtual-threads", "kotlin-single-thread", "kotlin-default"));
      for (String order : List.of("random", "creation")) {
        rounds("outside-wake-" + order, contenders, n, quick ? 1 : 3, agent,
            "dev.tinyrt.bench.OutsideWake", 1, order);
      }
    }
    if (only == null || only.equals("yield")) {
      List<String> contenders = new ArrayList<>(tinyrtPools);
      contenders.addAll(List.of("virtual-threads", "kotlin-default"));
      rounds("yield-starvation", contenders, quick ? 50 : 200, quick ? 2 : 3, agent,
          "dev.tinyrt.bench.YieldStarvation", 1);
    }
    if (only == null || only.equals("io")) {
      IoGroup.run(quick, agent, runs);
    }
    if (only == null || only.equals("fanin")) {
      FanIn.group(quick, agent, runs);
    }
    if (only == null || only.equals("micro")) {
      measureOnce("bytes", "tinyrt", 200_000, 0, agent, "dev.tinyrt.bench.AllocationBreakdown", 2);
      micro(quick, agent);
    }
    notes.add(PLATFORM_NOTE);
    addRatiosToVirtualThreads();

    printTables();
    if (json != null) {
      writeJson(json);
    }
    Files.createDirectories(docs);
    writeChart(docs.resolve("benchmarks.png"));
    // What the page says of when and under what load it was measured: this run's, unless it
    // renders an earlier run's JSON (the JSON keeps neither).
    String provenance = fromJson == null ? null
        : only.equals("none") ? "re-rendered from `" + fromJson + "`, measured earlier"
        : "the " + only + " group measured now, the rest from `" + fromJson + "`";
    writeMarkdown(docs.resolve("benchmarks.md"), jvm, quick, agent, runs, warmups, provenance);
    System.out.printf(Locale.ROOT, "done in %.0f s; wrote %s and %s%n",
        (System.nanoTime() - started) / 1e9, docs.resolve("benchmarks.md"),
        docs.resolve("benchmarks.png"));
  }

  /** What {@code --only} accepts: groups of scenarios measured together. */
  static final List<String> GROUPS =
      List.of("carts", "pingpong", "outside", "yield", "io", "micro", "fanin");

  /** Messages per ping-pong exchange (2M; 500k in --quick); a run repeats exchanges until it lasted a second. */
  private static long pingPongMessages = 2_000_000;

  /** @return the {@code --only} group a scenario belongs to */
  static String groupOf(String scenario) {
    if (scenario.startsWith("outside-wake")) {
      return "outside";
    }
    if (scenario.startsWith("io-")) {
      return "io";
    }
    if (scenario.startsWith("fanin-")) {
      return "fanin";
    }
    return switch (scenario) {
      case "bytes" -> "micro";
      case "ping-pong" -> "pingpong";
      case "yield-starvation" -> "yield";
      default -> scenario;
    };
  }

  /**
   * Measures every contender of a scenario, interleaved round by round (A B C, A B C, ...), each
   * run in a fresh JVM: a slow spell of the machine then hits every contender of a round rather
   * than all runs of one.
   */
  static void rounds(String scenario, List<String> contenders, long n, int runs, Path agent,
      String mainClass, int warmups, String... extra) throws IOException, InterruptedException {
    for (int r = 0; r < runs; r++) {
      for (String c : contenders) {
        measureOnce(scenario, c, n, r, agent, mainClass, warmups, extra);
      }
    }
  }

  /** How long a ping-pong run lasts at least: a second, a quarter in {@code --quick}. */
  private static double pingPongMinSeconds = 1;

  /** The children's JVM flags: {@link #CHILD_FLAGS}, the ping-pong run length, the runtime kinds. */
  static List<String> childFlags() {
    List<String> flags = new ArrayList<>(CHILD_FLAGS);
    flags.add(COLLECTORS.get(collector));
    if (fixedHeap) {
      flags.add("-Xms6g"); // CHILD_FLAGS's -Xmx
    }
    flags.add("-Dbench.minSeconds=" + pingPongMinSeconds);
    String kinds = System.getProperty("tinyrt.runtimes");
    if (kinds != null) {
      flags.add("-Dtinyrt.runtimes=" + kinds);
    }
    String cartWarmups = System.getProperty(CartScenario.WARMUP_SIZE_PROPERTY);
    if (cartWarmups != null) {
      flags.add("-D" + CartScenario.WARMUP_SIZE_PROPERTY + "=" + cartWarmups);
    }
    return flags;
  }

  /** Runs {@code mainClass} once in a fresh JVM and records each metric it prints. */
  static void measureOnce(String scenario, String contender, long n, int round, Path agent,
      String mainClass, int warmups, String... extra) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(childFlags());
    command.add("-javaagent:" + agent);
    command.add("-cp");
    command.add(ownJar());
    command.add(mainClass);
    command.add(contender);
    command.add(String.valueOf(n));
    command.add(String.valueOf(warmups));
    command.addAll(List.of(extra));
    long t0 = System.nanoTime();
    String out = runChild(command, CHILD_TIMEOUT, scenario + " " + contender + " " + n);
    String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    record(scenario, contender, n, round, line);
    System.out.printf(Locale.ROOT, "%-22s %-22s n=%-9d round %d (%.1f s): %s%n", scenario,
        contender, n, round + 1, (System.nanoTime() - t0) / 1e9, line);
  }

  /** How long one measured JVM may take before it counts as hung. */
  static final Duration CHILD_TIMEOUT = Duration.ofMinutes(20);

  /**
   * Runs a child JVM and returns its standard output. Its output goes to a file, so that a child
   * that hangs is waited for only {@code timeout} (reading a pipe to its end would wait for it
   * forever), then killed.
   *
   * @throws IllegalStateException if the child fails or does not end in time, with its output
   */
  static String runChild(List<String> command, Duration timeout, String what)
      throws IOException, InterruptedException {
    Path outFile = Files.createTempFile("tinyrt-bench-child", ".out");
    try {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
          .redirectOutput(outFile.toFile()).start();
      boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        p.destroyForcibly().waitFor();
      }
      String out = Files.readString(outFile, StandardCharsets.UTF_8);
      if (!ended) {
        throw new IllegalStateException(what + " did not end in " + timeout
            + " and was killed; its output:\n" + out);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "):\n" + out);
      }
      return out;
    } finally {
      Files.deleteIfExists(outFile);
    }
  }

  /**
   * Records the metrics of one child's JSON line as round {@code round} of their rows. A value
   * that is not a finite number is not a measurement: it is left out and said (a warning, and a
   * note in the page), since its row then has a round fewer than its contenders' and no ratio.
   */
  static void record(String scenario, String contender, long n, int round, String line) {
    Matcher m = Pattern.compile("\"([a-z_0-9]+)\":(-?Infinity|NaN|[-0-9.E]+)").matcher(line);
    while (m.find()) {
      String metric = m.group(1);
      double value = Double.parseDouble(m.group(2));
      if (!Double.isFinite(value)) {
        // Not a measurement: left out of the row, and said, since the row then has a round
        // fewer than its contenders' (and no ratio to them).
        String note = "Left out: `" + scenario + "` " + contender + " n=" + n + " round "
            + (round + 1) + " reported " + metric + " = " + m.group(2) + ".";
        System.out.println("WARNING " + note);
        notes.add(note);
        // Its later rounds would stand one place early: never paired round by round again.
        unpaired.add(scenario + "|" + contender + "|" + n + "|" + metric);
        continue;
      }
      String key = scenario + "|" + contender + "|" + n + "|" + metric;
      measuredKeys.add(key);
      rows.computeIfAbsent(key, k -> new Row(scenario, contender, n, metric, new ArrayList<>()))
          .values().add(value);
    }
  }

  /**
   * Per scenario, the metrics compared with virtual threads, and whether more is better. The ratio
   * is taken round by round (the contender's run against the virtual threads' run of the same
   * round) and oriented so that above 1 means ahead of virtual threads.
   */
  static final Map<String, Map<String, Boolean>> AGAINST_VIRTUAL_THREADS = Map.of(
      "carts", Map.of("first_send_to_done_ms", false, "heap_bytes_per_task", false),
      "ping-pong", Map.of("messages_per_second", true),
      "outside-wake-random", Map.of("ns_per_wake", false),
      "outside-wake-creation", Map.of("ns_per_wake", false),
      "yield-starvation", Map.of("median_us", false),
      "io-idle", Map.of("heap_bytes_per_conn", false),
      "io-echo", Map.of("messages_per_second", true, "p99_us", false));

  /** The ratio rows' metric name for a measured metric. */
  static String ratioMetric(String metric) {
    return "x_vt_" + metric;
  }

  /**
   * The metric of tinyrt-async's per-round carts ratio to {@code rival} (CompletableFuture or
   * Kotlin), kept in the JSON for the targets table and left out of the tables: a re-rendered run
   * has only each row's median, min and max, from which no per-round ratio can be made again.
   */
  static String cartsRatioMetric(String rival) {
    return switch (rival) {
      case "completable-future" -> "x_cf_first_send_to_done_ms";
      case "kotlin-coroutines" -> "x_kt_first_send_to_done_ms";
      default -> throw new IllegalArgumentException("no carts ratio row against " + rival);
    };
  }

  /** Adds, for each contender other than virtual threads, its round-by-round ratio rows. */
  static void addRatiosToVirtualThreads() {
    List<Row> added = new ArrayList<>();
    for (Row r : rows.values()) {
      Boolean higherIsBetter = AGAINST_VIRTUAL_THREADS
          .getOrDefault(r.scenario(), Map.of()).get(r.metric());
      if (higherIsBetter == null || r.contender().equals("virtual-threads")
          || !measuredKeys.contains(r.scenario() + "|" + r.contender() + "|" + r.n() + "|" + r.metric())
          || r.contender().equals("platform-threads")) {
        continue;
      }
      List<Double> ratios = pairedRatios(r, "virtual-threads", higherIsBetter);
      if (!ratios.isEmpty()) {
        added.add(new Row(r.scenario(), r.contender(), r.n(), ratioMetric(r.metric()), ratios));
      }
      if (r.scenario().equals("carts") && r.contender().equals("tinyrt-async")
          && r.metric().equals("first_send_to_done_ms")) {
        for (String rival : List.of("completable-future", "kotlin-coroutines")) {
          List<Double> against = pairedRatios(r, rival, false);
          if (!against.isEmpty()) {
            added.add(new Row("carts", r.contender(), r.n(), cartsRatioMetric(rival), against));
          }
        }
      }
    }
    for (Row a : added) {
      rows.put(a.scenario() + "|" + a.contender() + "|" + a.n() + "|" + a.metric(), a);
    }
  }

  /**
   * Returns, round by round, how many times {@code r} is ahead of {@code rival}'s row of the same
   * scenario, n and metric (empty if the rival was not measured in the same rounds).
   */
  static List<Double> pairedRatios(Row r, String rival, boolean higherIsBetter) {
    String otherKey = r.scenario() + "|" + rival + "|" + r.n() + "|" + r.metric();
    Row other = rows.get(otherKey);
    List<Double> ratios = new ArrayList<>();
    if (other == null || other.values().size() != r.values().size()
        || unpaired.contains(otherKey)
        || unpaired.contains(r.scenario() + "|" + r.contender() + "|" + r.n() + "|" + r.metric())) {
      return ratios;
    }
    for (int i = 0; i < r.values().size(); i++) {
      if (starved(r, i) || starved(other, i)) {
        // A starved round's latency is the give-up time, not a measurement: no ratio of it.
        continue;
      }
      double mine = r.values().get(i);
      double theirs = other.values().get(i);
      ratios.add(higherIsBetter ? mine / theirs : theirs / mine);
    }
    return ratios;
  }

  /**
   * Whether round {@code i} of a row starved: its scenario reports how many samples it took before
   * starving, and took fewer than asked (its latencies are then the give-up time). Rows of other
   * scenarios never starve.
   */
  static boolean starved(Row r, int i) {
    String key = r.scenario() + "|" + r.contender() + "|" + r.n() + "|samples_before_starving";
    Row taken = rows.get(key);
    return taken != null && (unpaired.contains(key) || taken.values().size() <= i
        || taken.values().get(i) < r.n());
  }

  /** The micro-benchmarks, through JMH with its GC profiler. */
  static void micro(boolean quick, Path agent) throws Exception {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("dev.tinyrt.bench.(ReadyAwait|SuspendResume|SpawnJoin|SpawnJoinPeers)Benchmark")
        .param("runtime", Runtimes.kinds(true).toArray(new String[0]))
        .addProfiler(GCProfiler.class)
        // Every measured JVM's flags (collector, heap), as the scenarios' children get them, and
        // only those (not this JVM's own, which JMH would otherwise hand its forks).
        .jvmArgs(Stream.concat(childFlags().stream(), Stream.of("-javaagent:" + agent))
            .toArray(String[]::new))
        .forks(1);
    if (quick) {
      options.warmupIterations(1).warmupTime(TimeValue.milliseconds(500))
          .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
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
      t.append(" | ").append(m.startsWith("x_vt_")
          ? "× VT (" + m.substring(5).replace('_', ' ') + ")" : m.replace('_', ' '));
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
    for (String s : List.of("carts", "ping-pong", "outside-wake-random", "outside-wake-creation",
        "yield-starvation", "io-idle", "io-echo", "micro")) {
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
          loadedRuns.getOrDefault(r, r.values().size()),
          error == null ? "" : ",\"error\":" + error));
    }
    Files.writeString(file, j.append("\n]\n"));
  }

  /**
   * The run counts of rows loaded by {@link #readJson}, which keeps only their median, min and max:
   * written back as read (they were written as 3). By identity: a group measured again has new rows.
   */
  static final Map<Row, Integer> loadedRuns = new IdentityHashMap<>();

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
        Row loaded = new Row(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4), values);
        rows.put(key, loaded);
        loadedRuns.put(loaded, Integer.parseInt(m.group(8)));
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

  /** @return a ratio with two decimals, or "n/a" if the run's JSON did not record it */
  static String ratio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
  }

  static double median(String key) {
    Row r = rows.get(key);
    return r == null ? Double.NaN : r.median();
  }

  static void writeMarkdown(Path file, String jvm, boolean quick, Path agent, int runs, int warmups,
      String provenance) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# tinyrt benchmarks\n\n");
    md.append("Measured on ").append(LocalDate.now()).append(" with `scripts/bench")
        .append(quick ? " --quick" : "").append("`").append(quick ? " (the quick set: smaller N, fewer runs)" : "")
        .append(provenance == null ? "" : " (" + provenance + ": this date and the load average "
            + "are this rendering's)")
        .append(".\n\n");
    md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(memTotal()).append(", ").append(System.getProperty("os.name")).append(' ')
        .append(System.getProperty("os.arch")).append("; load average when the run ended: ")
        .append(loadAverage()).append('\n');
    md.append("- JVM: ").append(jvm).append("; each measurement in a fresh JVM with `")
        .append(String.join(" ", childFlags())).append(" -javaagent:").append(agent).append("`, after ")
        .append("warm-ups in that JVM (as the harness runs them now: a re-rendered page describes ")
        .append("the current code; carts and fan-in: ").append(warmups)
        .append(" rounds as large as the measured one, carts at most 1M; ping-pong: ").append(warmups)
        .append(" exchanges of at most ")
        .append(String.format(Locale.ROOT, "%,d", PingPong.WARMUP_MESSAGES))
        .append(" messages; 10M carts: 1 round of 1M; outside wakes: 1 round of at most ")
        .append(String.format(Locale.ROOT, "%,d", OutsideWake.WARMUP_TASKS))
        .append(" tasks; idle connections: 1 round of n/10; yield starvation: ")
        .append("1 round of n/4 samples; echo: ").append(quick ? 1 : 2)
        .append(" s of load before the measured seconds); ").append(runs)
        .append(" rounds (").append(quick ? "1 for outside wakes" : "3 for outside wakes and yield starvation, 2 for 10M carts")
        .append("), the contenders of a scenario ")
        .append("interleaved round by round (A B C, A B C, ...); cells are median (min–max) over the rounds.\n");
    md.append("- `× VT` columns: the contender's figure against virtual threads' figure of the same ")
        .append("round, as a ratio oriented so that above 1 means ahead of virtual threads; median (min–max) ")
        .append("of the per-round ratios.\n");
    md.append("- tinyrt runtimes: `tinyrt-current-thread`, and one multi-threaded runtime per `WorkerPool` ")
        .append("constant (`tinyrt-").append(String.join("`, `tinyrt-", Runtimes.kinds(false)))
        .append("`); `--runtimes KIND,KIND` picks some.\n");
    md.append("- Benchmarks JVM flags: ")
        .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append("\n\n");
    md.append("Reproduce: `scripts/bench` (about 40 minutes on two cores; `scripts/bench --quick` under ")
        .append("three; `--json FILE` for the raw medians; `--from-json FILE [--only GROUP]` re-renders ")
        .append("an earlier run or re-measures one group: ").append(String.join(", ", GROUPS))
        .append("; `--gc G1|Parallel|Serial|Z` picks the children's collector, G1 by default; ")
        .append("`--heap fixed` starts each child with its whole heap, `-Xms` equal to ")
        .append("`-Xmx`).\n\n");
    md.append("![heap per parked task and completion time against N](benchmarks.png)\n\n");

    md.append("## 1. Parked carts\n\nN tasks, each the chapter's `cartTotal` (await the socks price, await ")
        .append("the shoes price, add); one driver thread completes every first price, then every second. ")
        .append("tinyrt runs on its current-thread runtime, with the agent-rewritten async method or the ")
        .append("hand-written state machine, over `Oneshot` channels; threads block on and chains compose ")
        .append("`CompletableFuture`s; Kotlin coroutines run on `runBlocking`'s event loop and await ")
        .append("`CompletableDeferred`s. Heap per task is measured after GC with every task parked, the price ")
        .append("channels excluded (they exist before the baseline). Each warm-up round runs as ")
        .append("many carts as the measured one").append(warmupNote(quick))
        .append(quick ? "" : "At 10M only tinyrt runs (2 rounds): the others need several GB. ")
        .append("\n\n");
    md.append(table("carts")).append('\n');
    notes.forEach(n -> md.append(n).append("\n\n"));
    md.append("## 2. Ping-pong\n\nTwo tasks pass a message back and forth: tinyrt over two ")
        .append("bounded(1) mpsc channels, threads over two `SynchronousQueue`s, Kotlin over two `Channel(1)`s ")
        .append("(`kotlin-single-thread`: `runBlocking`; `kotlin-default`: `Dispatchers.Default`). A run ")
        .append("repeats exchanges of n messages until it has lasted at least ")
        .append(pingPongMinSeconds == 1 ? "a second" : pingPongMinSeconds + " s").append(".\n\n");
    md.append(table("ping-pong")).append('\n');
    md.append("## 3. Outside wakes\n\nN tasks each wait for one value; once all are parked, one ")
        .append("thread that is not a worker sends the values one at a time (what I/O completions look ")
        .append("like), in random order, then in creation order. Virtual threads block on a ")
        .append("`CompletableFuture`; Kotlin awaits a `CompletableDeferred`.\n\n");
    md.append("### Random order\n\n").append(table("outside-wake-random")).append('\n');
    md.append("### Creation order\n\n").append(table("outside-wake-creation")).append('\n');
    md.append("## 4. Yield starvation\n\nEvery worker (one per core) runs a task that loops on ")
        .append("`yieldNow()` (`Thread.yield()`, Kotlin's `yield()`); a thread that is not a worker wakes a ")
        .append("parked task n times, and each time measures how long that task took to run. A task that ")
        .append("has not run after ").append(YieldStarvation.GIVE_UP_SECONDS)
        .append(" s counts as that long (starved).\n\n");
    md.append(table("yield-starvation")).append('\n');
    md.append(IoGroup.markdown());
    md.append(FanIn.markdown());
    md.append("## 5. Micro (JMH, `-prof gc`)\n\nReadyAwait: an await of a ready future inside an async ")
        .append("method (1,000 distinct futures per invocation, each value consumed by a `Blackhole`) against ")
        .append("the same loop by hand. SuspendResume: a oneshot, a frame, a pending poll, a send, a ready ")
        .append("poll. SpawnJoin: spawn an empty task and join it, from outside (a thread blocking on the ")
        .append("handle) and from inside a task (")
        .append(String.format(Locale.ROOT, "%,d", SpawnJoinBenchmark.INSIDE))
        .append(" per invocation, Kotlin's likewise), per runtime kind; SpawnJoinPeers: a ")
        .append("virtual thread started and joined, and Kotlin's `async { 1 }.await()` in `runBlocking`. ")
        .append("JMH runs its benchmarks one after another (not interleaved). Cells are score ± JMH's 99.9% ")
        .append("error.\n\n");
    md.append(table("micro")).append('\n');
    md.append("### What each byte is\n\nBytes allocated by the measuring thread at each step, counted by ")
        .append("the JVM (`ThreadMXBean.getCurrentThreadAllocatedBytes`, `AllocationBreakdown`, n = 200,000 ")
        .append("after two warm-up rounds): exact, whatever the machine's load. Objects are kept between ")
        .append("steps, so escape analysis removes less than in the JMH loop above.\n\n")
        .append("| step | bytes per op |\n|---|---:|\n");
    for (Row r : rows.values()) {
      if (r.scenario().equals("bytes")) {
        md.append("| ").append(r.metric().replace('_', ' ')).append(" | ").append(fmt(r.median()))
            .append(" |\n");
      }
    }
    md.append('\n');

    md.append("## Where we stand against our targets\n\n| target | measured | verdict |\n|---|---|---|\n");
    targets(md, quick);
    md.append("\nWhat costs what, and what we left, is below.\n");
    Path notesFile = Path.of("bench/benchmarks-notes.md");
    if (Files.exists(notesFile)) {
      md.append('\n').append(Files.readString(notesFile));
    }
    Files.writeString(file, md);
  }

  /** Appends one row per target of the benchmark issue, each from this run's rows. */
  static void targets(StringBuilder md, boolean quick) {
    long pp = pingPongMessages;
    String ct = Runtimes.PREFIX + Runtimes.CURRENT_THREAD;
    double ctRate = median("ping-pong|" + ct + "|" + pp + "|messages_per_second");
    double ctX = median("ping-pong|" + ct + "|" + pp + "|" + ratioMetric("messages_per_second"));
    target(md, "ping-pong, current-thread runtime: ≥ 10M msg/s and ≥ 2.5× virtual threads",
        String.format(Locale.ROOT, "%s msg/s, %.2f× VT", fmt(ctRate), ctX),
        ctRate >= 10e6 && ctX >= 2.5, Double.isNaN(ctRate));
    for (String kind : Runtimes.kinds(false)) {
      double x = median("ping-pong|" + Runtimes.PREFIX + kind + "|" + pp + "|"
          + ratioMetric("messages_per_second"));
      target(md, "ping-pong, multi-threaded (" + kind + "): ≥ virtual threads",
          String.format(Locale.ROOT, "%.2f× VT", x), x >= 1, Double.isNaN(x));
    }
    for (String kind : Runtimes.kinds(true)) {
      double ns = median("micro|SpawnJoin.inside " + kind + "|ns_per_op");
      target(md, "spawn+join inside a task (" + kind + "): < 300 ns",
          String.format(Locale.ROOT, "%s ns", fmt(ns)), ns < 300, Double.isNaN(ns));
    }
    double sr = median("micro|SuspendResume.suspendAndResume|ns_per_op");
    double srBytes = median("micro|SuspendResume.suspendAndResume|bytes_per_op");
    // JMH's gc.alloc.rate.norm spreads its own allocations over the operations (48.0002 B/op for
    // 48 B of objects), so the bytes are compared as whole bytes: no object is smaller than 16.
    target(md, "suspend+resume through a oneshot: < 100 ns and ≤ 48 B",
        String.format(Locale.ROOT, "%s ns, %s B", fmt(sr), fmt(srBytes)),
        sr < 100 && Math.round(srBytes) <= 48, Double.isNaN(sr));
    long big = quick ? 100_000 : 1_000_000;
    Row carts = rows.get("carts|tinyrt-async|" + big + "|first_send_to_done_ms");
    if (carts != null) {
      // The ratio rows hold the per-round ratios (a row read back from JSON has no rounds).
      String at = "carts|tinyrt-async|" + big + "|";
      double cf = median(at + cartsRatioMetric("completable-future"));
      double vt = median(at + ratioMetric("first_send_to_done_ms"));
      double kt = median(at + cartsRatioMetric("kotlin-coroutines"));
      target(md, "1M carts, first send to done: < 150 ms, ≥ 5× CompletableFuture, ≥ 8× virtual "
              + "threads, ahead of Kotlin",
          String.format(Locale.ROOT, "%s ms at N=%,d; %s× CF, %s× VT, %s× Kotlin (per-round ratios)",
              fmt(carts.median()), big, ratio(cf), ratio(vt), ratio(kt)),
          !quick && carts.median() < 150 && cf >= 5 && vt >= 8 && kt > 1, false);
    }
    for (String kind : Runtimes.kinds(false)) {
      Row y = rows.get("yield-starvation|" + Runtimes.PREFIX + kind + "|" + (quick ? 50 : 200)
          + "|p99_us");
      if (y != null) {
        target(md, "an outside-woken task runs within 1 ms while every worker yields (" + kind + ")",
            String.format(Locale.ROOT, "p99 %s µs, worst %s µs", fmt(y.median()),
                fmt(median("yield-starvation|" + Runtimes.PREFIX + kind + "|" + (quick ? 50 : 200)
                    + "|max_us"))),
            y.median() <= 1000, false);
      }
    }
    StringBuilder flat = new StringBuilder();
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Row r : rows.values()) {
      if (r.scenario().equals("carts") && r.contender().equals("tinyrt-async")
          && r.metric().equals("heap_bytes_per_task")) {
        flat.append(flat.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%s B at %,d", fmt(r.median()), r.n()));
        lo = Math.min(lo, r.median());
        hi = Math.max(hi, r.median());
      }
    }
    target(md, "heap per parked cart task flat from 10k to 10M (within 15%)", flat.toString(),
        !quick && hi <= lo * 1.15, flat.length() == 0);
    double ready = median("micro|ReadyAwait.asyncMethod|ns_per_op");
    double byHand = median("micro|ReadyAwait.byHand|ns_per_op");
    double readyBytes = median("micro|ReadyAwait.asyncMethod|bytes_per_op");
    target(md, "await of a ready future: as cheap as the poll by hand (within 20%), 0 B/op",
        String.format(Locale.ROOT, "%s ns against %s ns by hand, %s B/op", fmt(ready), fmt(byHand),
            fmt(readyBytes)),
        ready <= byHand * 1.2 && readyBytes < 0.5, Double.isNaN(ready));
  }

  private static void target(StringBuilder md, String target, String measured, boolean met,
      boolean notMeasured) {
    md.append("| ").append(target).append(" | ").append(notMeasured ? "not measured" : measured)
        .append(" | ").append(notMeasured ? "–" : met ? "met" : "missed").append(" |\n");
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
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

  /**
   * The end of the carts text's sentence on warm-ups: the cap, if {@link
   * CartScenario#WARMUP_SIZE_PROPERTY} set one for the carts measured in this process (a
   * re-render cannot know an earlier run's cap, and says what the harness does by default).
   *
   * @param quick whether this is a --quick run (no 10M round)
   * @return the sentence's end, with its full stop and a space
   */
  private static String warmupNote(boolean quick) {
    String cap = System.getProperty(CartScenario.WARMUP_SIZE_PROPERTY);
    // The cap is this process's: it describes the carts only if they were measured here.
    boolean measuredHere = measuredKeys.stream().anyMatch(k -> k.startsWith("carts|"));
    if (cap != null && measuredHere) {
      return ", up to " + cap + " (`-D" + CartScenario.WARMUP_SIZE_PROPERTY + "=" + cap + "`). ";
    }
    return quick ? ". " : " (1M before a 10M round). ";
  }
}
