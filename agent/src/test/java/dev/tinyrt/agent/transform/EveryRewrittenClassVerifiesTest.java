// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.agent.filter.AsyncFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every class of this module's tests that has async methods (the end-to-end fixtures the agent
 * rewrites under failsafe) is rewritten here too, and the result, host and frames, passes ASM's
 * {@code CheckClassAdapter} with its data-flow verifier.
 */
class EveryRewrittenClassVerifiesTest {

  @Test
  void everyTestClassWithAsyncMethodsIsRewrittenIntoVerifiableBytecode() throws IOException {
    Path root = Path.of("target/test-classes");
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      // The golden fixtures under golden/ are checked by GoldenRewriteTest.
      files.filter(f -> f.toString().endsWith(".class"))
          .filter(f -> !root.relativize(f).startsWith("golden"))
          .forEach(f -> {
        String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        try {
          classes.put(name, Files.readAllBytes(f));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    RewritingClassLoader checker = new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);
    List<String> withAwaits = classes.entrySet().stream()
        .filter(e -> AsyncFilter.mentionsAsync(e.getValue()))
        .map(Map.Entry::getKey)
        .toList();
    int rewritten = 0;
    for (String name : withAwaits) {
      ClassRewriter.Outcome outcome = ClassRewriter.rewrite(classes.get(name), ClassRewriter.Options.DEFAULT);
      if (!outcome.unchanged()) {
        checker.checkWithAsm(name, outcome);
        rewritten++;
      }
    }
    assertTrue(rewritten >= 10, "expected the IT fixtures to be rewritten, got " + rewritten);
  }
}
