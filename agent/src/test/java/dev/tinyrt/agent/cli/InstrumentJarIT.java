// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged agent jar as a command: {@code java -jar tinyrt-agent.jar instrument DIR}. */
@Timeout(120)
class InstrumentJarIT {

  @TempDir Path dir;

  static Path agentJar() {
    Path jar = Path.of(System.getProperty("tinyrt.agent.jar", "target/tinyrt-agent.jar"));
    assertTrue(Files.isRegularFile(jar), "the packaged agent jar is missing: " + jar);
    return jar;
  }

  @Test
  void theManifestNamesTheCommandLineAndTheModule() throws IOException {
    try (JarFile jar = new JarFile(agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals(Main.class.getName(), main.getValue("Main-Class"));
      assertEquals("dev.tinyrt.agent", main.getValue("Automatic-Module-Name"));
    }
  }

  @Test
  void javaDashJarInstrumentsAFolderWithTheRelocatedRewrite() throws Exception {
    Path classes = InstrumentCommandTest.compile(dir, "Shop", InstrumentCommandTest.SHOP);
    Path out = dir.resolve("out");
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", agentJar().toString(), "instrument", classes.toString(), "--out", out.toString())
        .redirectErrorStream(true)
        .start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), printed);
    assertTrue(printed.contains("rewrote fixture.Shop.cartTotal (Shop.java:"), printed);
    assertEquals("total 101 after 2 polls of the socks", InstrumentCommandTest.runShop(out));
  }
}
