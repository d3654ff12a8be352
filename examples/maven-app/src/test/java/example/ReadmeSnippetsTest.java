// SPDX-License-Identifier: Apache-2.0
package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of the repository's README is compiled: its lines (indentation aside)
 * appear, in order, in one file of {@code src/main/java/example/readme}, which this build compiles
 * against the installed runtime. Every {@code xml} block is built: its lines (comments and {@code
 * ...} aside) appear, in order, in this project's pom. Edit a block and its file together.
 */
class ReadmeSnippetsTest {

  /** The README, two folders up from this project (examples/maven-app). */
  static final Path README = Path.of("../../README.md");

  /** The compiled files that hold the blocks. */
  static final Path SNIPPETS = Path.of("src/main/java/example/readme");

  /** This project's pom, which holds every {@code xml} block of the README. */
  static final Path POM = Path.of("pom.xml");

  /** The README's {@code java} blocks, each as its lines without indentation, blank lines left out. */
  static List<List<String>> javaBlocks(List<String> readme) {
    return blocks(readme, "java");
  }

  /** The README's {@code xml} blocks, each as {@link #xmlLines} of its text. */
  static List<List<String>> xmlBlocks(List<String> readme) {
    return blocks(readme, "xml").stream().map(block -> xmlLines(String.join("\n", block))).toList();
  }

  /**
   * The lines of an XML text without indentation, comments, blank lines and the {@code ...} that
   * stands for what a block leaves out.
   */
  static List<String> xmlLines(String xml) {
    return xml.replaceAll("(?s)<!--.*?-->", "").lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.equals("..."))
        .toList();
  }

  /** The README's blocks fenced as {@code language}, each as its lines stripped, blanks left out. */
  static List<List<String>> blocks(List<String> readme, String language) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = null;
    for (String line : readme) {
      if (block == null && line.strip().equals("```" + language)) {
        block = new ArrayList<>();
      } else if (block != null && line.strip().startsWith("```")) {
        blocks.add(block);
        block = null;
      } else if (block != null && !line.isBlank()) {
        block.add(line.strip());
      }
    }
    return blocks;
  }

  /** Whether {@code block}'s lines occur in {@code file}'s stripped lines, in the same order. */
  static boolean containsInOrder(List<String> file, List<String> block) {
    int at = 0;
    for (String line : file) {
      if (at < block.size() && line.strip().equals(block.get(at))) {
        at++;
      }
    }
    return at == block.size();
  }

  @Test
  void everyJavaBlockOfTheReadmeIsInACompiledFile() throws IOException {
    assertTrue(Files.isRegularFile(README), "run from examples/maven-app: " + README.toAbsolutePath());
    List<List<String>> blocks = javaBlocks(Files.readAllLines(README));
    assertTrue(blocks.size() >= 8, "the README has at least eight java blocks, found " + blocks.size());
    List<List<String>> files = new ArrayList<>();
    try (Stream<Path> paths = Files.list(SNIPPETS)) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        files.add(Files.readAllLines(path));
      }
    }
    List<String> missing = new ArrayList<>();
    for (List<String> block : blocks) {
      if (files.stream().noneMatch(file -> containsInOrder(file, block))) {
        missing.add(String.join("\n", block));
      }
    }
    if (!missing.isEmpty()) {
      fail("README java blocks that no file of " + SNIPPETS + " holds line for line (edit the file "
          + "with the block, so it still compiles):\n\n" + String.join("\n\n", missing));
    }
  }

  @Test
  void everyXmlBlockOfTheReadmeIsInThePom() throws IOException {
    List<List<String>> blocks = xmlBlocks(Files.readAllLines(README));
    assertTrue(blocks.size() >= 2, "the README has the dependency block and the plugin's, found "
        + blocks.size());
    List<String> pom = xmlLines(Files.readString(POM));
    List<String> missing = new ArrayList<>();
    for (List<String> block : blocks) {
      if (!containsInOrder(pom, block)) {
        missing.add(String.join("\n", block));
      }
    }
    if (!missing.isEmpty()) {
      fail("README xml blocks that " + POM.toAbsolutePath() + " does not hold line for line (edit "
          + "the pom with the block, so the build runs what the README shows):\n\n"
          + String.join("\n\n", missing));
    }
  }

  @Test
  void everySnippetClassLoadsRewritten() throws Exception {
    int loaded = 0;
    try (Stream<Path> paths = Files.list(SNIPPETS)) {
      for (Path path : paths.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String name = path.getFileName().toString().replace(".java", "");
        if (!name.equals("package-info")) {
          // Its frames load with it (defined by its initialiser under the agent, from the class
          // files the plugin wrote with -Pinstrument): a rewrite the JVM rejects fails here.
          Class.forName("example.readme." + name, true, getClass().getClassLoader());
          loaded++;
        }
      }
    }
    assertTrue(loaded > 0, "no snippet class under " + SNIPPETS);
  }

  @Test
  void aChangedLineIsCaught() {
    List<String> file = List.of("class A {", "  long total = await(cart);", "}");
    assertTrue(containsInOrder(file, List.of("long total = await(cart);")));
    assertEquals(false, containsInOrder(file, List.of("long total = await(carts);")));
    assertEquals(false, containsInOrder(file, List.of("}", "class A {")), "order matters");
    assertEquals(List.of("<goal>instrument</goal>", "</goals>"),
        xmlLines("  <goal>instrument</goal>  <!-- at\n process-classes -->\n...\n</goals>\n"));
  }
}
