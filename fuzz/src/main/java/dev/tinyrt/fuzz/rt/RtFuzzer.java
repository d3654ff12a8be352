// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The cancellation fuzzer's loop: generates programs over the runtime's API, runs each on the
 * runtimes its {@link Runtimes} picks (the current-thread and the work-stealing one by default)
 * with aborts and shutdowns injected, and for each
 * run that breaks an invariant, reduces the program, saves it and reports one line.
 */
final class RtFuzzer {

  /** Reduction runs per violation (each run takes milliseconds; a hang takes the watchdog). */
  private static final int REDUCTION_BUDGET = 150;

  /**
   * What a batch found.
   *
   * @param programs programs run (each on the runtimes of the batch's {@link Runtimes})
   * @param violations one line per run that broke an invariant
   * @param tally what the runs exercised
   */
  record Report(int programs, List<String> violations, Tally tally) {}

  /**
   * The runtime's logger, held so its level holds while a batch runs: an abandoned frame that
   * throws while it unwinds is logged as a warning, and random programs do that on purpose.
   */
  static final Logger RUNTIME_LOG = Logger.getLogger("dev.tinyrt");

  /** Runs between two garbage collections (each run's waker check needs one). */
  private static final int COLLECT_EVERY = 32;

  private RtFuzzer() {}

  /**
   * Runs {@code programs} programs from {@code seed}, each on the current-thread and the
   * work-stealing runtime.
   *
   * @param features what programs and the driver may use
   * @param out where reduced reproducers go, or null to neither reduce nor save
   * @param lines receives one line per violation
   * @return the report
   */
  static Report run(int programs, long seed, Set<Feature> features, Path out,
      Consumer<String> lines) throws IOException {
    return run(programs, seed, features, Runtimes.DEFAULT, out, lines);
  }

  /**
   * Runs {@code programs} programs from {@code seed} on the runtimes {@code runtimes} picks.
   *
   * @param features what programs and the driver may use
   * @param runtimes which runtimes each program runs on
   * @param out where reduced reproducers go, or null to neither reduce nor save
   * @param lines receives one line per violation
   * @return the report
   */
  static Report run(int programs, long seed, Set<Feature> features, Runtimes runtimes, Path out,
      Consumer<String> lines) throws IOException {
    Level level = RUNTIME_LOG.getLevel();
    RUNTIME_LOG.setLevel(Level.SEVERE);
    try {
      return runQuietly(programs, seed, features, runtimes, out, lines);
    } finally {
      RUNTIME_LOG.setLevel(level);
    }
  }

  private static Report runQuietly(int programs, long seed, Set<Feature> features,
      Runtimes runtimes, Path out, Consumer<String> lines) throws IOException {
    List<String> violations = new ArrayList<>();
    Tally tally = new Tally();
    List<Started> batch = new ArrayList<>();
    for (int i = 0; i < programs; i++) {
      long programSeed = seed * 1_000_003L + i;
      Node program = new RtGenerator(programSeed, features).generate();
      for (Driver.Kind kind : runtimes.forProgram(i)) {
        batch.add(new Started(i, programSeed, kind, program,
            Driver.start(program, programSeed, kind, features, tally)));
      }
      if (batch.size() >= COLLECT_EVERY || i == programs - 1) {
        // One collection for the batch's runs, then their last checks.
        System.gc();
        for (Started s : batch) {
          List<String> found = Driver.finish(s.run(), /* collect = */ false);
          if (!found.isEmpty()) {
            String line = report(s.index(), s.seed(), s.kind(), features, s.program(), found, out);
            violations.add(line);
            lines.accept(line);
          }
        }
        batch.clear();
      }
    }
    return new Report(programs, violations, tally);
  }

  /** A run waiting for the batch's garbage collection. */
  private record Started(int index, long seed, Driver.Kind kind, Node program, Driver.Run run) {}

  /** The kinds of the violations, e.g. {@code [finally, timer]}. */
  static Set<String> kinds(List<String> violations) {
    return violations.stream().map(v -> v.substring(0, Math.max(0, v.indexOf(':'))))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String report(int i, long programSeed, Driver.Kind kind, Set<Feature> features,
      Node program, List<String> found, Path out) throws IOException {
    Set<String> kinds = kinds(found);
    String where = "VIOLATION program " + i + " (seed " + programSeed + ", "
        + kind.name().toLowerCase(Locale.ROOT) + ") " + kinds + ": " + found.get(0);
    if (out == null) {
      return where;
    }
    // Reduce while the same kinds of violation reproduce; a hang costs the watchdog each run.
    Node reduced = kinds.contains("hang") ? program : new TreeReducer(candidate -> {
      for (int attempt = 0; attempt < 2; attempt++) {
        if (kinds(Driver.run(candidate, programSeed, kind, features)).containsAll(kinds)) {
          return true;
        }
      }
      return false;
    }, REDUCTION_BUDGET).reduce(program);
    List<String> reducedFound = reduced == program ? found
        : Driver.run(reduced, programSeed, kind, features);
    Files.createDirectories(out);
    Path file = out.resolve("rt-" + programSeed + "-" + kind.name().toLowerCase(Locale.ROOT)
        + ".txt");
    Files.writeString(file, "# seed: " + programSeed + "\n# runtime: "
        + kind.name().toLowerCase(Locale.ROOT) + "\n# features: "
        + features.toString().toLowerCase(Locale.ROOT).replace(" ", "")
        + "\n# replay: scripts/fuzz --runtime --replay " + file + "\n# violations:\n"
        + reducedFound.stream().map(v -> "#   " + v + "\n").collect(Collectors.joining())
        + "# original program: " + program.render() + "\n" + reduced.render() + "\n");
    return where + " -> " + file;
  }
}
