// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** Opens the packaged agent jar, as the JVM will, and checks what it promises. */
class AgentJarIT {

  static Path agentJar() {
    Path jar = Path.of(System.getProperty("tinyrt.agent.jar", "target/tinyrt-agent.jar"));
    assertTrue(Files.isRegularFile(jar), "the packaged agent jar is missing: " + jar);
    return jar;
  }

  @Test
  void theManifestNamesTheAgentEntryPoints() throws IOException {
    try (JarFile jar = new JarFile(agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals(TinyrtAgent.class.getName(), main.getValue("Premain-Class"));
      assertEquals(TinyrtAgent.class.getName(), main.getValue("Agent-Class"));
    }
  }

  @Test
  void itHoldsOnlyOurPackagesAndRelocatedAsm() throws IOException {
    try (JarFile jar = new JarFile(agentJar().toFile())) {
      List<String> foreign =
          jar.stream()
              .map(JarEntry::getName)
              .filter(name -> !name.startsWith("META-INF/"))
              .filter(name -> !(name.equals("dev/") || name.equals("dev/tinyrt/")))
              .filter(name -> !name.startsWith("dev/tinyrt/agent/"))
              .toList();
      assertEquals(List.of(), foreign, "entries outside dev/tinyrt/agent/");
      assertTrue(
          jar.stream().anyMatch(e -> e.getName().startsWith("dev/tinyrt/agent/shaded/asm/")),
          "ASM is relocated under dev/tinyrt/agent/shaded/asm/");
      assertTrue(
          jar.stream().noneMatch(e -> e.getName().startsWith("org/objectweb/")),
          "no unrelocated ASM");
    }
  }
}
