// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Opens the packaged agent jar, as the JVM will, and checks what it promises, entry by entry. */
class AgentJarIT {

  /** Where our own classes come from, relocated libraries aside. */
  static final String OURS = "dev/tinyrt/agent/";

  /** Where the relocated libraries live. */
  static final String SHADED = OURS + "shaded/";

  /** Every entry of the jar outside {@link #OURS}: metadata, and the licence Byte Buddy ships. */
  static final Set<String> METADATA = new TreeSet<>(List.of(
      "META-INF/",
      "META-INF/MANIFEST.MF",
      "META-INF/LICENSE",
      "META-INF/NOTICE",
      "META-INF/maven/",
      "META-INF/maven/dev.tinyrt/",
      "META-INF/maven/dev.tinyrt/tinyrt-agent/",
      "META-INF/maven/dev.tinyrt/tinyrt-agent/pom.properties",
      "META-INF/maven/dev.tinyrt/tinyrt-agent/pom.xml",
      "META-INF/maven/net.bytebuddy/",
      "META-INF/maven/net.bytebuddy/byte-buddy-agent/",
      "META-INF/maven/net.bytebuddy/byte-buddy-agent/pom.properties",
      "META-INF/maven/net.bytebuddy/byte-buddy-agent/pom.xml",
      "dev/",
      "dev/tinyrt/"));

  static Path agentJar() {
    Path jar = Path.of(System.getProperty("tinyrt.agent.jar", "target/tinyrt-agent.jar"));
    assertTrue(Files.isRegularFile(jar), "the packaged agent jar is missing: " + jar);
    return jar;
  }

  static List<String> entries() throws IOException {
    try (JarFile jar = new JarFile(agentJar().toFile())) {
      return jar.stream().map(JarEntry::getName).toList();
    }
  }

  @Test
  void theManifestNamesTheAgentEntryPoints() throws IOException {
    try (JarFile jar = new JarFile(agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals(TinyrtAgent.class.getName(), main.getValue("Premain-Class"));
      assertEquals(TinyrtAgent.class.getName(), main.getValue("Agent-Class"));
      assertEquals(null, main.getValue("Multi-Release"), "not multi-release: no versioned classes");
    }
  }

  @Test
  void outsideOurPackageItHoldsOnlyItsMetadata() throws IOException {
    Set<String> outside = entries().stream()
        .filter(name -> !name.startsWith(OURS))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(METADATA, outside);
  }

  @Test
  void ourClassesAreExactlyTheModulesClasses() throws IOException {
    Path classes = Path.of("target/classes");
    Set<String> compiled;
    try (Stream<Path> files = Files.walk(classes.resolve(OURS))) {
      compiled = files.filter(Files::isRegularFile)
          .map(f -> classes.relativize(f).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> packaged = entries().stream()
        .filter(name -> name.startsWith(OURS) && !name.startsWith(SHADED) && !name.endsWith("/"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(compiled, packaged);
  }

  @Test
  void asmAndByteBuddyAreRelocatedWholeAndNothingElseIsShaded() throws IOException {
    List<String> shaded = entries().stream()
        .filter(name -> name.startsWith(SHADED) && !name.endsWith("/"))
        .toList();
    List<String> foreign = shaded.stream()
        .filter(name -> !name.startsWith(SHADED + "asm/") && !name.startsWith(SHADED + "bytebuddy/"))
        .toList();
    assertEquals(List.of(), foreign, "shaded entries of another library");
    assertTrue(shaded.contains(SHADED + "asm/ClassReader.class"), "ASM's core is relocated");
    assertTrue(shaded.contains(SHADED + "asm/tree/analysis/Analyzer.class"), "ASM's analysis is relocated");
    assertTrue(
        shaded.contains(SHADED + "bytebuddy/agent/ByteBuddyAgent.class"), "byte-buddy-agent is relocated");
    assertTrue(shaded.stream().allMatch(name -> name.endsWith(".class")), "only classes");
  }
}
