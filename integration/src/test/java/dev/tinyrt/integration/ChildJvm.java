// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's {@code main} in a fresh JVM on the test's class path (with the test JVM's agent,
 * if any), for a diagnostic switched on by a static final flag read once per JVM. The child's output goes to a file, not a pipe, so the
 * wait for its end is bounded: a hung child is destroyed and the test fails with what it printed.
 */
final class ChildJvm {

  /** How long a child may run. */
  private static final long TIMEOUT_SECONDS = 60;

  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code jvmOptions} and returns its output once it ended with status 0.
   *
   * @param main the class whose {@code main} runs
   * @param jvmOptions options before the class path ({@code -Dtinyrt.slowPoll=50ms})
   * @return what the child printed, standard output and error merged
   * @throws Exception if the child cannot be started or its output read
   */
  static String run(Class<?> main, String... jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-javaagent:")).findFirst().ifPresent(command::add);
    command.addAll(List.of(jvmOptions));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    Path log = Files.createTempFile("tinyrt-child-", ".log");
    try {
      Process child = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      boolean ended = false;
      try {
        ended = child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } finally {
        if (!ended) {
          child.destroyForcibly(); // also when the test's own timeout interrupts the wait
        }
      }
      if (!ended) {
        child.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        fail("the child JVM " + main.getSimpleName() + " did not end within " + TIMEOUT_SECONDS
            + " s; it printed:\n" + read(log.toFile()));
      }
      String out = read(log.toFile());
      assertEquals(0, child.exitValue(), out);
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String read(File file) throws IOException {
    return Files.readString(file.toPath(), StandardCharsets.UTF_8);
  }
}
