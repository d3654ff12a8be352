// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import dev.tinyrt.fuzz.rt.RtMain;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/fuzz --programs N --seed S [--out DIR]}: differential testing of the rewrite.
 * Prints one line per divergence (each reduced and saved as a reproducer) and ends with {@code N
 * programs, K divergences}. With {@code --runtime}, the cancellation fuzzer of the runtime instead
 * ({@link RtMain}).
 */
public final class FuzzMain {

  private FuzzMain() {}

  /**
   * Runs the fuzzer.
   *
   * @param args {@code --programs N --seed S [--out DIR]}, or {@code --runtime} and its options
   */
  public static void main(String[] args) throws Exception {
    List<String> all = Arrays.asList(args);
    if (all.contains("--runtime")) {
      String[] rest = all.stream().filter(a -> !a.equals("--runtime")).toArray(String[]::new);
      System.exit(RtMain.main(rest));
    }
    int programs = 200;
    long seed = 1;
    Path out = Path.of("fuzz-out");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--programs" -> programs = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException(
            "usage: scripts/fuzz --programs N --seed S [--out DIR]; unknown " + args[i]);
      }
    }
    long start = System.nanoTime();
    Fuzzer.Report report = Fuzzer.run(programs, seed, out, System.out::println);
    System.out.printf("%d programs, %d divergences%s (%.0f s)%n", report.programs(),
        report.divergences().size(),
        report.uncompilable().isEmpty() ? "" : ", " + report.uncompilable().size()
            + " programs the generator got wrong",
        (System.nanoTime() - start) / 1e9);
    System.exit(report.divergences().isEmpty() && report.uncompilable().isEmpty() ? 0 : 1);
  }
}
