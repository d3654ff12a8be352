// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code scripts/fuzz --runtime [--programs N] [--seed S] [--features all|a,b,...] [--runtimes
 * default|all|rotate|a,b,...] [--out DIR|none]}: the cancellation fuzzer. {@code --runtimes} picks
 * the runtimes each program runs on ({@link Runtimes}, kinds {@link Driver.Kind}). Prints one line per violation (each reduced and saved as a
 * reproducer under {@code DIR}, {@code fuzz-out} by default; {@code none} neither reduces nor
 * saves) and ends with {@code N programs, K violations}. {@code scripts/fuzz --runtime --replay FILE}
 * runs a saved reproducer again.
 */
public final class RtMain {

  private RtMain() {}

  /**
   * Runs the cancellation fuzzer.
   *
   * @param args the arguments after {@code --runtime}
   * @return the exit status: 0 when no violation was found
   */
  public static int main(String[] args) throws Exception {
    int programs = 200;
    long seed = 1;
    Set<Feature> features = Feature.parse("all");
    Path out = Path.of("fuzz-out");
    Path replay = null;
    int repeat = 1;
    int load = 0;
    Runtimes runtimes = Runtimes.DEFAULT;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--programs" -> programs = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--features" -> features = Feature.parse(args[++i]);
        case "--runtimes" -> runtimes = Runtimes.parse(args[++i]);
        case "--out" -> {
          String dir = args[++i];
          out = dir.equals("none") ? null : Path.of(dir);
        }
        case "--replay" -> replay = Path.of(args[++i]);
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--load" -> load = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("usage: scripts/fuzz --runtime [--programs N]"
            + " [--seed S] [--features all|spawn,sleep,...] [--runtimes default|all|rotate|"
            + "fork_join,...] [--out DIR|none] | --replay FILE [--repeat N] [--load K]; unknown "
            + args[i]);
      }
    }
    if (replay != null) {
      return replay(replay, repeat, load);
    }
    long start = System.nanoTime();
    RtFuzzer.Report report = RtFuzzer.run(programs, seed, features, runtimes, out, System.out::println);
    System.out.println("exercised: " + report.tally());
    System.out.printf("%d programs, %d violations (runtimes %s; features %s; %.0f s)%n",
        report.programs(), report.violations().size(), runtimes,
        features.toString().toLowerCase(Locale.ROOT),
        (System.nanoTime() - start) / 1e9);
    return report.violations().isEmpty() ? 0 : 1;
  }

  /**
   * Runs the program of a saved reproducer with its seed, runtime and features: once to warm up
   * (it loads and rewrites the interpreter's classes), then {@code repeat} times (a violation that
   * depends on timing may need many runs to show again) with {@code load} threads spinning
   * meanwhile (a race that needs a thread preempted at the wrong moment shows on a loaded machine;
   * spinners make one of any machine). Prints the violations of the first run that had any, and
   * how many runs had some.
   */
  private static int replay(Path file, int repeat, int load) throws Exception {
    long seed = 0;
    Driver.Kind kind = null;
    Set<Feature> features = null;
    String program = null;
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("# seed: ")) {
        seed = Long.parseLong(line.substring("# seed: ".length()).trim());
      } else if (line.startsWith("# runtime: ")) {
        kind = Driver.Kind.valueOf(line.substring("# runtime: ".length()).trim()
            .toUpperCase(Locale.ROOT));
      } else if (line.startsWith("# features: ")) {
        String list = line.substring("# features: ".length()).trim();
        features = Feature.parse(list.substring(1, list.length() - 1));
      } else if (!line.startsWith("#") && !line.isBlank()) {
        program = line;
      }
    }
    if (kind == null || features == null || program == null) {
      throw new IllegalArgumentException(file + " is not a reproducer saved by scripts/fuzz "
          + "--runtime: it needs # seed, # runtime, # features lines and a program line");
    }
    RtFuzzer.RUNTIME_LOG.setLevel(java.util.logging.Level.SEVERE);
    Node parsed = ProgramParser.parse(program);
    Driver.run(parsed, seed, kind, features); // warm-up, unloaded: loads and rewrites the classes
    java.util.concurrent.atomic.AtomicBoolean spinning =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    for (int i = 0; i < load; i++) {
      Thread spinner = new Thread(() -> {
        while (spinning.get()) {
          Thread.onSpinWait();
        }
      }, "fuzz-load-" + i);
      spinner.setDaemon(true);
      spinner.start();
    }
    int failed = 0;
    try {
      for (int run = 0; run < repeat; run++) {
        List<String> found = Driver.run(parsed, seed, kind, features);
        if (!found.isEmpty() && failed++ == 0) {
          found.forEach(System.out::println);
        }
      }
    } finally {
      spinning.set(false);
    }
    if (repeat > 1 || load > 0) {
      System.out.println(repeat + " runs, " + failed + " with violations (" + load
          + " spinning threads)");
    }
    System.out.println("1 programs, " + (failed == 0 ? 0 : 1) + " violations");
    return failed == 0 ? 0 : 1;
  }
}
