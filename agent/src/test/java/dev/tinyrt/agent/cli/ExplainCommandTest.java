// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar tinyrt-agent.jar explain PATH [--method NAME] [--format text|mermaid]}. */
class ExplainCommandTest {

  @TempDir static Path temp;

  /** The demo's cart, compiled into a class folder. */
  private static Path classes;

  /** The same, in a jar. */
  private static Path jar;

  @BeforeAll
  static void compileTheCart() throws IOException {
    classes = temp.resolve("classes");
    int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-g", "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        "../demo/src/main/java/dev/tinyrt/demo/CartAsync.java");
    assertEquals(0, status, "javac");
    jar = temp.resolve("cart.jar");
    Path classFile = classes.resolve("dev/tinyrt/demo/CartAsync.class");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("dev/tinyrt/demo/CartAsync.class"));
      out.write(Files.readAllBytes(classFile));
      out.closeEntry();
    }
  }

  @Test
  void aFolderAndAJarGiveTheSameText() {
    Result folder = run("explain", classes.toString());
    Result jarred = run("explain", jar.toString(), "--method", "cartTotal", "--format", "text");
    assertEquals(0, folder.status, folder.err);
    assertEquals(folder.out, jarred.out);
    assertTrue(folder.out.contains("  GotSocks { socksPrice, shoes }\n"), folder.out);
  }

  @Test
  void mermaid() {
    Result r = run("explain", jar.toString(), "--format", "mermaid");
    assertEquals(0, r.status, r.err);
    assertTrue(r.out.contains("stateDiagram-v2\n"), r.out);
    assertTrue(r.out.contains("  Start --> GotSocks: socks ready\n"), r.out);
  }

  @Test
  void mistakesSayWhatToType() {
    Result none = run();
    assertEquals(2, none.status);
    assertTrue(none.err.contains("  explain PATH [--method NAME] [--format text|mermaid]"), none.err);

    Result format = run("explain", jar.toString(), "--format", "svg");
    assertEquals(2, format.status);
    assertTrue(format.err.startsWith("explain: unknown format 'svg'; use text or mermaid"), format.err);

    Result noMethod = run("explain", jar.toString(), "--method", "checkout");
    assertEquals(1, noMethod.status);
    assertTrue(noMethod.err.startsWith("explain: no async method named checkout in the 1 classes"),
        noMethod.err);

    Result missing = run("explain", temp.resolve("nothing.jar").toString());
    assertEquals(1, missing.status);
    assertTrue(missing.err.startsWith("explain: cannot read "), missing.err);
  }

  @Test
  void aJarAlreadyInstrumentedIsSaidToBe() throws IOException {
    Path copy = temp.resolve("instrumented.jar");
    Files.copy(jar, copy);
    assertEquals(0, run("instrument", copy.toString()).status);

    Result r = run("explain", copy.toString());

    assertEquals(1, r.status);
    assertTrue(r.err.contains("1 of them were already rewritten by instrument: explain the class "
        + "files as javac wrote them, before instrumenting"), r.err);
  }

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
