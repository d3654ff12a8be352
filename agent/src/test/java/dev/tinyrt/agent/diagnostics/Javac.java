// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.diagnostics;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles source files for the diagnostics tests into a folder of class files. */
final class Javac {

  private Javac() {}

  /**
   * Compiles {@code sources} (path under the source root to text) into {@code out}.
   *
   * @param out the class folder to write
   * @param debug javac's {@code -g} option, e.g. {@code -g} or {@code -g:none}
   * @return {@code out}
   */
  static Path compile(Path out, String debug, Map<String, String> sources) throws IOException {
    Path src = Files.createDirectories(out.resolveSibling(out.getFileName() + "-src"));
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      files.add(file);
    }
    return compileFiles(out, debug, files);
  }

  /** Compiles the source files {@code files} into {@code out}. */
  static Path compileFiles(Path out, String debug, List<Path> files) throws IOException {
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager manager = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = manager.getJavaFileObjectsFromPaths(files);
      List<String> options = List.of(
          debug, "-d", out.toString(), "-classpath", System.getProperty("java.class.path"),
          "-proc:none");
      if (!javac.getTask(diagnostics, manager, null, options, null, units).call()) {
        throw new IllegalStateException("javac failed:\n" + diagnostics);
      }
    }
    return out;
  }
}
