// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * The fixtures the {@code instrument} tests rewrite: sources under the test resources' {@code
 * instrument-fixtures/} (tinyrt-maven-plugin's tests read the same files), compiled here, and the
 * helpers to copy and read class folders.
 */
final class InstrumentFixtures {

  private InstrumentFixtures() {}

  /**
   * The source of {@code fixture.NAME}.
   *
   * @param name the class's simple name: Shop, Locked, Receipt, Orders
   * @return its source text
   */
  static String source(String name) {
    try (InputStream in =
        InstrumentFixtures.class.getResourceAsStream("/instrument-fixtures/" + name + ".java")) {
      assertNotNull(in, "no fixture instrument-fixtures/" + name + ".java in the test resources");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Compiles the fixtures {@code names} together against this JVM's class path (the runtime on
   * it) and {@code classPath}.
   *
   * @param dir where the sources and classes go
   * @param classPath more class path entries, maybe none
   * @param names the fixtures' simple names
   * @return the folder of their class files, {@code dir/classes}
   */
  static Path compile(Path dir, List<Path> classPath, String... names) throws IOException {
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d"));
    Path out = dir.resolve("classes");
    args.add(out.toString());
    StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
    classPath.forEach(entry -> cp.append(File.pathSeparator).append(entry));
    args.add("-cp");
    args.add(cp.toString());
    for (String name : names) {
      Path file = dir.resolve("src/fixture/" + name + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source(name));
      args.add(file.toString());
    }
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status = ToolProvider.getSystemJavaCompiler()
        .run(null, null, errors, args.toArray(String[]::new));
    assertEquals(0, status, errors.toString(StandardCharsets.UTF_8));
    return out;
  }

  /** The 1-based line of fixture {@code name} that holds {@code marker}. */
  static int lineOf(String name, String marker) {
    List<String> lines = source(name).lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return i + 1;
      }
    }
    throw new AssertionError(marker + " is not in " + name);
  }

  /** Every file under {@code root} with its bytes, by relative path. */
  static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    }
    return files;
  }

  /** Copies every file under {@code from} into {@code to}. */
  static void copy(Path from, Path to) throws IOException {
    for (Map.Entry<String, byte[]> file : files(from).entrySet()) {
      Path target = to.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
  }
}
