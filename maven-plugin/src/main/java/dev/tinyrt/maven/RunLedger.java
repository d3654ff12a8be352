// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.maven;

import dev.tinyrt.agent.transform.RewrittenMark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the last run of one goal left in its class folder: how many class files there were and the
 * newest one's modification time, and the refusals of the classes it rewrote, by class file.
 *
 * <p>Both are needed because the rewrite is in place and marks what it rewrote. With the first, a
 * second build over unchanged classes reads none of them (one listing of the folder tells). With
 * the second, a refused method, whose class is rewritten and marked all the same, is reported by
 * every later build until its class is compiled anew, as a compile error would be, not only by the
 * first one.
 *
 * <p>The file is text: a header, {@code folder TAB path}, {@code classes TAB count TAB newest}
 * (nanoseconds since the epoch), then {@code refused TAB class-file TAB message} per refusal, with
 * backslash, tab and newline escaped.
 */
final class RunLedger {

  /** The first line of every ledger, which also says what wrote it. */
  private static final String HEADER =
      "# tinyrt-maven-plugin: the last rewrite of one class folder (delete to rewrite it all)";

  /**
   * The class files of a folder, summed up: a build that compiles anything changes one or both.
   *
   * @param count how many class files there are
   * @param newest the newest one's modification time, in nanoseconds since the epoch
   */
  record ClassFiles(long count, long newest) {

    /**
     * Lists {@code folder}, reading no class file.
     *
     * @param folder the class folder
     * @return its class files, summed up
     * @throws IOException if it cannot be listed
     */
    static ClassFiles of(Path folder) throws IOException {
      long count = 0;
      long newest = Long.MIN_VALUE;
      try (Stream<Path> files = Files.find(folder, Integer.MAX_VALUE,
          (path, attributes) -> attributes.isRegularFile() && path.toString().endsWith(".class"))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
          count++;
          newest = Math.max(newest, attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        }
      }
      return new ClassFiles(count, newest);
    }
  }

  /** The class folder this ledger speaks of, absolute; a ledger of another folder is ignored. */
  private final Path folder;

  /** The folder's class files as the last run left them, or null when there was no run. */
  private final ClassFiles left;

  /** The refusals standing after the last run, by class file relative to the folder. */
  private final Map<String, List<String>> refusedByFile;

  private RunLedger(Path folder, ClassFiles left, Map<String, List<String>> refusedByFile) {
    this.folder = folder;
    this.left = left;
    this.refusedByFile = refusedByFile;
  }

  /**
   * Reads the ledger at {@code file}; an absent, unreadable or foreign one is an empty ledger, so
   * the next run rewrites the whole folder (always correct: the mark makes that a no-op for the
   * classes already rewritten).
   *
   * @param file the ledger
   * @param folder the class folder the goal rewrites
   * @return the ledger
   */
  static RunLedger read(Path file, Path folder) {
    Path absolute = folder.toAbsolutePath().normalize();
    RunLedger none = new RunLedger(absolute, null, Map.of());
    if (!Files.isRegularFile(file)) {
      return none;
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.size() < 3 || !lines.get(0).equals(HEADER)
          || !lines.get(1).equals("folder\t" + escape(absolute.toString()))) {
        return none;
      }
      String[] classes = lines.get(2).split("\t", -1);
      if (classes.length != 3 || !classes[0].equals("classes")) {
        return none;
      }
      ClassFiles left = new ClassFiles(Long.parseLong(classes[1]), Long.parseLong(classes[2]));
      Map<String, List<String>> refused = new LinkedHashMap<>();
      for (String line : lines.subList(3, lines.size())) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 3 || !fields[0].equals("refused")) {
          return none;
        }
        refused.computeIfAbsent(unescape(fields[1]), k -> new ArrayList<>())
            .add(unescape(fields[2]));
      }
      return new RunLedger(absolute, left, refused);
    } catch (IOException | NumberFormatException e) {
      return none;
    }
  }

  /**
   * Whether the folder is as the last run left it: as many class files, none newer. A build that
   * compiles a class writes it later than the last run wrote anything, and a build that deletes one
   * changes the count.
   *
   * @return true when a run would find nothing to rewrite
   * @throws IOException if the folder cannot be listed
   */
  boolean upToDate() throws IOException {
    if (left == null) {
      return false;
    }
    ClassFiles now = ClassFiles.of(folder);
    return now.count() == left.count() && now.newest() <= left.newest();
  }

  /** @return the refusals standing after the last run, by class file */
  Map<String, List<String>> refusedByFile() {
    return refusedByFile;
  }

  /**
   * The refusals of the last run whose class files are still the ones it rewrote: present and
   * marked. A class compiled anew since has lost the mark, and the coming run judges it afresh.
   * Call it before that run, which marks them all again.
   *
   * @return the refusals still standing, by class file
   * @throws IOException if a class file cannot be read
   */
  Map<String, List<String>> refusalsStillStanding() throws IOException {
    Map<String, List<String>> standing = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> entry : refusedByFile.entrySet()) {
      Path classFile = folder.resolve(entry.getKey());
      if (Files.isRegularFile(classFile) && RewrittenMark.isMarked(Files.readAllBytes(classFile))) {
        standing.put(entry.getKey(), entry.getValue());
      }
    }
    return standing;
  }

  /**
   * Writes the ledger of a run that just ended, with the folder's class files as it left them.
   *
   * @param file where
   * @param folder the class folder rewritten
   * @param refusedByFile every refusal standing after the run, by class file
   * @throws IOException if the folder cannot be listed or the ledger written
   */
  static void write(Path file, Path folder, Map<String, List<String>> refusedByFile)
      throws IOException {
    ClassFiles left = ClassFiles.of(folder);
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    lines.add("folder\t" + escape(folder.toAbsolutePath().normalize().toString()));
    lines.add("classes\t" + left.count() + "\t" + left.newest());
    for (Map.Entry<String, List<String>> entry : refusedByFile.entrySet()) {
      for (String refusal : entry.getValue()) {
        lines.add("refused\t" + escape(entry.getKey()) + "\t" + escape(refusal));
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
