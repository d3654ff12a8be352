// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code java -jar tinyrt-agent.jar}: the first word picks the command; anything else, the usage. */
class MainTest {

  /** What one command line printed, and its exit status. */
  record Ran(int status, String out, String err) {}

  static Ran run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Ran(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void noCommandPrintsTheUsageListingEveryCommandAndFails() {
    Ran ran = run();
    assertEquals(Main.USAGE_ERROR, ran.status());
    assertTrue(ran.err().startsWith("usage: java -jar tinyrt-agent.jar COMMAND"), ran.err());
    for (Command command : Main.COMMANDS) {
      assertTrue(ran.err().contains("  " + command.name() + " "), ran.err());
    }
  }

  @Test
  void anUnknownCommandIsNamedThenTheUsage() {
    Ran ran = run("instrumnet", "target/classes");
    assertEquals(Main.USAGE_ERROR, ran.status());
    assertTrue(ran.err().startsWith("tinyrt: unknown command 'instrumnet'"), ran.err());
    assertTrue(ran.err().contains("  instrument PATH [--out DIR]"), ran.err());
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    Ran ran = run("--help");
    assertEquals(0, ran.status());
    assertTrue(ran.out().contains("  instrument PATH"), ran.out());
  }

  @Test
  void theFirstWordDispatchesWithTheRestAsArguments() {
    Ran ran = run("instrument", "no/such/folder");
    assertEquals(Main.USAGE_ERROR, ran.status());
    assertTrue(ran.err().startsWith("tinyrt instrument: no/such/folder does not exist"), ran.err());
  }

  @Test
  void instrumentWithoutAPathPrintsItsUsage() {
    Ran ran = run("instrument");
    assertEquals(Main.USAGE_ERROR, ran.status());
    assertTrue(ran.err().startsWith("usage: java -jar tinyrt-agent.jar instrument PATH"), ran.err());
  }
}
