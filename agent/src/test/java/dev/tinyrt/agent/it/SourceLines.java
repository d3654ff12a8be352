// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds a marker comment in a test's own source, so tests need not hard-code line numbers. */
final class SourceLines {

  private SourceLines() {}

  /** Returns the 1-based line of {@code type}'s source holding {@code marker} (outside quotes). */
  static int lineOf(Class<?> type, String marker) throws IOException {
    Path source = Path.of("src/test/java", type.getName().replace('.', '/') + ".java");
    List<String> lines = Files.readAllLines(source);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker) && !lines.get(i).contains("\"" + marker)) {
        return i + 1;
      }
    }
    throw new IllegalStateException(marker + " not found in " + source);
  }
}
