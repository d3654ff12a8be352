// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path classes = InstrumentFixtures.compile(dir, java.util.List.of(), "Shop");
    Path out = dir.resolve("out");
    ChildJvm.Ran ran = ChildJvm.java(
        "-jar", agentJar().toString(), "instrument", classes.toString(), "--out", out.toString());
    String printed = ran.output();
    assertEquals(0, ran.status(), printed);
    assertTrue(printed.contains("rewrote fixture.Shop.cartTotal (Shop.java:"), printed);
    assertEquals("total 101 after 2 polls of the socks", InstrumentCommandTest.runShop(out));
  }
}
