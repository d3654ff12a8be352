// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/** Generates, runs both ways, compares, reduces and saves: the fuzzing loop. */
final class Fuzzer {

  /** Java releases the programs are compiled for, up to the running JDK's. */
  static final int[] RELEASES = {8, 11, 17, 21, 25};

  /** Programs per javac task. */
  static final int BATCH = 10;

  /** What a batch found. */
  record Report(int programs, List<String> divergences, List<String> uncompilable) {}

  private Fuzzer() {}

  /**
   * Runs {@code programs} programs from {@code seed}.
   *
   * @param out where reduced reproducers go, or null
   * @param lines receives one line per divergence
   */
  static Report run(int programs, long seed, Path out, Consumer<String> lines) throws IOException {
    List<String> divergences = new ArrayList<>();
    List<String> uncompilable = new ArrayList<>();
    int newest = Runtime.version().feature();
    // Programs are compiled in batches of one javac task each: javac's start-up per task costs
    // more than compiling a program.
    for (int first = 0; first < programs; first += BATCH) {
      int count = Math.min(BATCH, programs - first);
      Differential.Options options = null;
      List<Program> batch = new ArrayList<>();
      Map<String, String> sources = new LinkedHashMap<>();
      for (int j = 0; j < count; j++) {
        long programSeed = seed * 1_000_003L + first + j;
        if (options == null) {
          Random pick = new Random(programSeed);
          int release;
          do {
            release = RELEASES[pick.nextInt(RELEASES.length)];
          } while (release > newest);
          options = new Differential.Options(release, pick.nextBoolean());
        }
        Program program = new ProgramGenerator(programSeed).generate();
        batch.add(program);
        sources.putAll(Differential.sources(program, j));
      }
      Map<String, byte[]> classes;
      try {
        classes = Differential.compile(sources, options);
      } catch (IllegalStateException e) {
        classes = null; // some program of the batch is wrong: check them one by one
      }
      for (int j = 0; j < count; j++) {
        int i = first + j;
        long programSeed = seed * 1_000_003L + i;
        Program program = batch.get(j);
        Differential.Verdict verdict = classes != null
            ? Differential.compare(classes, j, programSeed)
            : Differential.check(program, options, programSeed);
        if (verdict.detail().startsWith("does not compile")) {
          String line = "program " + i + " (seed " + programSeed + ", " + options
              + "): the generator made code javac rejects: " + firstLine(verdict.detail());
          uncompilable.add(line);
          lines.accept(line);
          continue;
        }
        if (verdict.diverged()) {
          divergences.add(report(program, options, i, programSeed, out, lines));
        }
      }
    }
    return new Report(programs, divergences, uncompilable);
  }

  /** Reduces a divergent program, saves it, and returns its line. */
  private static String report(Program program, Differential.Options options, int i,
      long programSeed, Path out, Consumer<String> lines) throws IOException {
    int deleted = Reducer.reduce(program,
        candidate -> Differential.check(candidate, options, programSeed).diverged());
    String line = "DIVERGENCE program " + i + " (seed " + programSeed + ", " + options
        + ", reduced by " + deleted + " statements)";
    if (out != null) {
      Files.createDirectories(out);
      Path file = out.resolve("Divergence" + programSeed + ".java");
      Differential.Verdict reduced = Differential.check(program, options, programSeed);
      Files.writeString(file, "// options: " + options + "\n// seed: " + programSeed + "\n/*\n"
          + reduced.detail().replace("*/", "* /") + "\n*/\n" + program.render("p0", false));
      line += ": " + file;
    }
    lines.accept(line);
    return line;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n', "does not compile: ".length() + 1);
    return nl < 0 ? s : s.substring(0, Math.min(nl, 300));
  }
}
