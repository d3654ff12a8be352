// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds a marker comment in a test's own source, so tests need not hard-code line numbers. */
public final class SourceLines {

  private SourceLines() {}

  /**
   * Returns the 1-based line of the single line of {@code type}'s source that contains {@code
   * marker}. Sources are read from {@code src/test/java} of the module being tested.
   */
  public static int lineOf(Class<?> type, String marker) throws IOException {
    Path source = moduleDir(type)
        .resolve("src/test/java").resolve(type.getName().replace('.', '/') + ".java");
    List<String> lines = Files.readAllLines(source);
    int found = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker) && !lines.get(i).contains("\"" + marker)) {
        if (found != -1) {
          throw new IllegalStateException(marker + " appears twice in " + source);
        }
        found = i + 1;
      }
    }
    if (found == -1) {
      throw new IllegalStateException(marker + " not found in " + source);
    }
    return found;
  }

  /** The module's folder, found from where the test classes were loaded (target/test-classes). */
  private static Path moduleDir(Class<?> type) throws IOException {
    try {
      Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      return classes.getParent().getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IOException(e);
    }
  }
}
