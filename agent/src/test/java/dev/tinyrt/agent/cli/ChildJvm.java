// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child JVM whose output goes to a file, not a pipe, so waiting for it is bounded: a child
 * that hangs is destroyed when its time is up and the test fails showing what it printed. (Reading
 * a pipe to its end before {@code waitFor(timeout)} waits for ever on a hung child.)
 */
final class ChildJvm {

  /** How long a child may run: far more than any of these needs on a loaded machine. */
  static final long TIMEOUT_SECONDS = 90;

  private ChildJvm() {}

  /**
   * What a finished child did.
   *
   * @param status its exit status
   * @param output what it printed, standard output and error together
   */
  record Ran(int status, String output) {}

  /**
   * Runs {@code java ARGS} with this JVM's {@code java}, its output in a temporary file, deleted
   * once read.
   *
   * @param args the arguments after {@code java}
   * @return the exit status and the output
   */
  static Ran java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile("tinyrt-child", ".out");
    try {
      return run(command, output);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static Ran run(List<String> command, Path output)
      throws IOException, InterruptedException {
    Process child = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
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
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
      fail("the child JVM " + command + " did not end within " + TIMEOUT_SECONDS
          + " s and was destroyed; it printed:\n" + Files.readString(output, StandardCharsets.UTF_8));
    }
    return new Ran(child.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
  }
}
