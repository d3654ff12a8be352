// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Async.init()} in a JVM started without {@code -javaagent}: it attaches the agent jar
 * (byte-buddy-agent, through a helper process since a JVM may not attach to itself), classes
 * loaded afterwards are rewritten, and classes with async methods loaded before are named.
 */
@Timeout(120)
class SelfAttachIT {

  /** How long a child JVM may run before it is killed and the test fails with its output. */
  private static final long CHILD_TIMEOUT_SECONDS = 90;

  record Run(int exit, List<String> lines) {}

  static Run run(Class<?> main) throws Exception {
    String agent = Path.of(System.getProperty("tinyrt.agent.jar")).toAbsolutePath().toString();
    String runtime = Path.of(dev.tinyrt.Future.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI()).toString();
    String classpath = String.join(File.pathSeparator,
        Path.of("target/test-classes").toAbsolutePath().toString(), runtime, agent);
    // The child's output goes to a file, not a pipe read before waitFor: a child that hangs then
    // still times out, and is killed and reported with what it printed.
    Path output = Files.createTempFile("self-attach-", ".out");
    try {
      Process p = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", classpath, main.getName())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail(main.getName() + " did not end within " + CHILD_TIMEOUT_SECONDS
            + " s and was killed; what it printed:\n" + read(output));
      }
      return new Run(p.exitValue(), read(output).lines().toList());
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String read(Path output) throws IOException {
    return new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
  }

  @Test
  void classesLoadedAfterInitAreRewritten() throws Exception {
    Run run = run(InitFixtures.Launcher.class);
    assertEquals(0, run.exit(), String.join("\n", run.lines()));
    assertTrue(run.lines().contains("total 101"), String.join("\n", run.lines()));
  }

  @Test
  void classesWithAsyncMethodsLoadedBeforeInitAreNamedWithTheFix() throws Exception {
    Run run = run(InitFixtures.TooEarly.class);
    String out = String.join("\n", run.lines());
    assertEquals(0, run.exit(), out);
    assertTrue(out.contains("Async.init() came after these classes with async methods had loaded"), out);
    assertTrue(out.contains(InitFixtures.TooEarly.class.getName() + " (early)"), out);
    assertTrue(out.contains("from a class without async methods"), out);
    assertTrue(out.contains("early: Async.await was called in "
        + InitFixtures.TooEarly.class.getName() + ".early"), out);
  }
}
