// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinyrt.agent.analysis.StackMapTypes;
import dev.tinyrt.agent.analysis.Liveness;
import dev.tinyrt.agent.analysis.MonitorDepth;
import dev.tinyrt.agent.filter.AsyncFilter;
import dev.tinyrt.agent.transform.ClassRewriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The analysis run over real bytecode with the filter forced off: every method of every class of
 * the JDK's own modules (through {@code jrt:/}), of ASM and of JUnit. It must never throw. With the
 * filter on, every class that does not mention {@code dev/tinyrt/Async} comes back unchanged.
 */
@Timeout(600)
class RealBytecodeTest {

  /** Counts, and the first failures. */
  static final class Tally {
    int classes;
    int methods;
    int unchanged;
    final List<String> failures = new ArrayList<>();
  }

  static void analyse(String name, byte[] bytes, Tally tally) {
    tally.classes++;
    try {
      ClassNode node = new ClassNode();
      new ClassReader(bytes).accept(node, ClassReader.EXPAND_FRAMES);
      for (MethodNode m : node.methods) {
        if (m.instructions.size() == 0) {
          continue;
        }
        tally.methods++;
        StackMapTypes.of(node.name, m);
        Liveness.of(m);
        MonitorDepth.of(m);
      }
      if (!AsyncFilter.mentionsAsync(bytes)
          && ClassRewriter.rewrite(bytes, ClassRewriter.Options.DEFAULT).unchanged()) {
        tally.unchanged++;
      }
    } catch (RuntimeException | StackOverflowError e) {
      if (tally.failures.size() < 20) {
        tally.failures.add(name + ": " + e);
      }
    }
  }

  static void forEachJdkClass(Consumer<Path> action) throws IOException {
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    try (Stream<Path> files = Files.walk(jrt.getPath("/modules"))) {
      files.filter(p -> p.toString().endsWith(".class") && !p.toString().endsWith("module-info.class"))
          .forEach(action);
    }
  }

  static void forEachJarClass(Path jar, Tally tally) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry e : java.util.Collections.list(file.entries())) {
        if (e.getName().endsWith(".class") && !e.getName().contains("module-info")) {
          try (InputStream in = file.getInputStream(e)) {
            analyse(jar.getFileName() + "!" + e.getName(), in.readAllBytes(), tally);
          }
        }
      }
    }
  }

  static Path jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theAnalysisNeverThrowsOnTheJdkAsmAndJunit() throws Exception {
    Tally tally = new Tally();
    long start = System.nanoTime();
    forEachJdkClass(p -> {
      try {
        analyse(p.toString(), Files.readAllBytes(p), tally);
      } catch (IOException e) {
        tally.failures.add(p + ": " + e);
      }
    });
    int jdkClasses = tally.classes;
    forEachJarClass(jarOf(ClassReader.class), tally);
    forEachJarClass(jarOf(org.objectweb.asm.tree.ClassNode.class), tally);
    forEachJarClass(jarOf(org.junit.jupiter.api.Test.class), tally);
    forEachJarClass(jarOf(org.junit.jupiter.engine.JupiterTestEngine.class), tally);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("analysed %,d classes (%,d of the JDK), %,d methods in %.1f s: %,.0f classes/s%n",
        tally.classes, jdkClasses, tally.methods, seconds, tally.classes / seconds);
    assertEquals(List.of(), tally.failures);
    assertTrue(jdkClasses > 10_000, "the JDK's modules were read: " + jdkClasses);
    assertEquals(tally.classes, tally.unchanged, "no class came back changed");
  }
}
