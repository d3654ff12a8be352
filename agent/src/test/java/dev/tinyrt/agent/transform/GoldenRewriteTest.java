// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * Golden tests, ASM's way: each fixture in {@code src/test/resources/golden} (compiled once, by
 * {@code scripts/golden}, into checked-in class files) is rewritten, rendered with {@link
 * Textifier} (host and frame classes) and compared, whole, with its checked-in rendering. Then the
 * rewritten fixture is checked by {@code CheckClassAdapter}, loaded, and run.
 */
class GoldenRewriteTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("Cart", "Pending Pending Ready(101)"),
        Arguments.of("Shapes", "42;Point[x=1, y=2];3103;in Shapes;"),
        Arguments.of("MoreShapes", "n=1 d=0.5 a=[1, 2, 3] s=s;11;32;5;hi you;abab;107;1"),
        Arguments.of("Refused", "true;true;"),
        Arguments.of("EaCart", "false false 101"),
        Arguments.of("Chains", "Pending Pending Ready(ax73a)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void theRewriteMatchesItsGoldenTextAndRuns(String fixture, String expectedRun) throws Exception {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(GOLDEN.resolve("classes/golden"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        classes.put("golden." + f.getFileName().toString().replace(".class", ""), Files.readAllBytes(f));
      }
    }
    String name = "golden." + fixture;
    ClassRewriter.Outcome outcome =
        ClassRewriter.rewrite(classes.get(name), ClassRewriter.Options.DEFAULT);

    // Golden text: the rewritten host, then each frame class.
    StringBuilder text = new StringBuilder();
    text.append("// rewritten ").append(name).append('\n').append(render(outcome.hostBytes()));
    for (Map.Entry<String, byte[]> frame : outcome.frames().entrySet()) {
      text.append("\n// generated ").append(frame.getKey()).append('\n').append(render(frame.getValue()));
    }
    Path expectedFile = GOLDEN.resolve(fixture + ".txt");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expectedFile, text, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), text.toString());

    // The same rewrite, checked by CheckClassAdapter, loaded and run.
    RewritingClassLoader loader = new RewritingClassLoader(classes, ClassRewriter.Options.DEFAULT);
    assertEquals(expectedRun, loader.loadClass(name).getMethod("run").invoke(null));
  }

  static String render(byte[] bytes) {
    StringWriter out = new StringWriter();
    new ClassReader(bytes).accept(new TraceClassVisitor(null, new Textifier(), new PrintWriter(out)), 0);
    return out.toString();
  }
}
