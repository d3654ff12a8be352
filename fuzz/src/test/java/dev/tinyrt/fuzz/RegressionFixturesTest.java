// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every divergence the fuzzer ever found, saved (reduced) under {@code
 * src/test/resources/regressions}, runs the same rewritten and blocking. A fixture is the saved
 * reproducer: its first line gives the javac options.
 */
class RegressionFixturesTest {

  @TestFactory
  Stream<DynamicTest> everySavedDivergenceNowAgrees() throws IOException {
    Path dir = Path.of("src/test/resources/regressions");
    return Files.list(dir)
        .filter(f -> f.toString().endsWith(".java"))
        .sorted()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  static void check(Path fixture) throws IOException {
    String source = Files.readString(fixture);
    String header = source.lines().findFirst().orElse("");
    assertTrue(header.startsWith("// options: --release "), fixture + ": " + header);
    String[] words = header.substring("// options: --release ".length()).split(" ");
    Differential.Options options =
        new Differential.Options(Integer.parseInt(words[0]), words[1].equals("-g"));
    String real = source.replaceFirst("package p0;", "package p0;");
    String reference = source.replaceFirst("package p0;", "package q0;")
        .replace("import static dev.tinyrt.Async.await;",
            "import static dev.tinyrt.fuzz.Blocking.await;");
    Map<String, byte[]> classes = Differential.compile(
        Map.of("p0/Prog.java", real, "q0/Prog.java", reference), options);
    Differential.Verdict verdict = Differential.compare(classes, 0, 1);
    assertFalse(verdict.diverged(), fixture + "\n" + verdict.detail());
  }
}
