// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The blocking calls a user accepts: each entry names either the blocking method ({@code
 * java.lang.Thread.sleep}) or the async method that calls it ({@code com.shop.Cart.load}), fully
 * qualified or by simple class name ({@code Thread.sleep}, {@code Cart.load}). Entries come from
 * the agent option {@code allowBlocking=FILE} (one a line, {@code #} starts a comment) and the
 * system property {@code tinyrt.allowBlocking} (separated by commas).
 */
public final class AllowList {

  /** The system property of entries. */
  public static final String PROPERTY = "tinyrt.allowBlocking";

  /** Nothing allowed. */
  public static final AllowList NONE = new AllowList(Set.of());

  /** The entries. */
  private final Set<String> entries;

  private AllowList(Set<String> entries) {
    this.entries = entries;
  }

  /**
   * Reads the entries of {@code file} (may be null) and of the system property.
   *
   * @param file the allow-list file, or null
   * @return the allow-list
   * @throws IOException if the file cannot be read
   */
  public static AllowList load(Path file) throws IOException {
    Set<String> entries = new HashSet<>();
    if (file != null) {
      add(entries, Files.readAllLines(file));
    }
    String property = System.getProperty(PROPERTY);
    if (property != null) {
      add(entries, List.of(property.split(",")));
    }
    return new AllowList(Set.copyOf(entries));
  }

  /**
   * Makes an allow-list of {@code entries}.
   *
   * @param entries the entries, as in the file
   * @return the allow-list
   */
  public static AllowList of(List<String> entries) {
    Set<String> set = new HashSet<>();
    add(set, entries);
    return new AllowList(Set.copyOf(set));
  }

  private static void add(Set<String> entries, List<String> lines) {
    for (String line : lines) {
      int comment = line.indexOf('#');
      String entry = (comment < 0 ? line : line.substring(0, comment)).trim();
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
  }

  /**
   * Whether a blocking call is accepted.
   *
   * @param called the blocking method, qualified: {@code java.lang.Thread.sleep}
   * @param caller the async method calling it, qualified: {@code com.shop.Cart.load}
   * @return whether an entry names either
   */
  boolean allows(String called, String caller) {
    return names(called) || names(caller);
  }

  private boolean names(String qualified) {
    if (entries.contains(qualified)) {
      return true;
    }
    // The simple form: the class's simple name (after its package and any outer class) and method.
    int method = qualified.lastIndexOf('.');
    String className = qualified.substring(0, method);
    String simple = className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    return entries.contains(simple + qualified.substring(method));
  }
}
