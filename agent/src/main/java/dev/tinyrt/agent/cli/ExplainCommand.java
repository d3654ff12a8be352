// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import dev.tinyrt.agent.diagnostics.ExplainMermaid;
import dev.tinyrt.agent.diagnostics.ExplainText;
import dev.tinyrt.agent.diagnostics.Explainer;
import dev.tinyrt.agent.diagnostics.MethodExplanation;
import dev.tinyrt.agent.filter.ClassHierarchy;
import dev.tinyrt.agent.transform.RewrittenMark;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.objectweb.asm.ClassReader;

/**
 * {@code explain PATH [--method NAME] [--format text|mermaid]}: prints each async method of the
 * classes under PATH (a class folder, a jar, or one class file) as the states its frame goes
 * through, what each stores and the frame's size. Loads no class: it reads class files.
 */
final class ExplainCommand implements Command {

  /** How to call it. */
  static final String USAGE =
      "usage: java -jar tinyrt-agent.jar explain PATH [--method NAME] [--format text|mermaid] "
          + "[--classpath CP]\n"
          + "  PATH: a folder of class files (target/classes), a jar, or a .class file\n"
          + "  CP: where the classes PATH uses come from (folders and jars, separated by '"
          + File.pathSeparator + "')";

  @Override
  public String name() {
    return "explain";
  }

  @Override
  public String usage() {
    return "PATH [--method NAME] [--format text|mermaid] [--classpath CP]: prints each async "
        + "method under PATH as the states its frame goes through, what each keeps and the "
        + "frame's size; CP is where the classes PATH uses come from";
  }

  /**
   * Runs the command.
   *
   * @param arguments PATH and the options
   * @return 0, or 1 when PATH cannot be read or holds no async method, 2 for a usage error
   */
  @Override
  public int run(List<String> arguments, PrintStream out, PrintStream err) {
    String[] args = arguments.toArray(String[]::new);
    Path path = null;
    String method = null;
    boolean mermaid = false;
    List<Path> classPath = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--method") && i + 1 < args.length) {
        method = args[++i];
      } else if ((a.equals("--classpath") || a.equals("-cp")) && i + 1 < args.length) {
        for (String entry : args[++i].split(File.pathSeparator)) {
          if (!entry.isEmpty()) {
            classPath.add(Path.of(entry));
          }
        }
      } else if (a.equals("--format") && i + 1 < args.length) {
        String format = args[++i];
        if (!format.equals("text") && !format.equals("mermaid")) {
          err.println("explain: unknown format '" + format + "'; use text or mermaid\n" + USAGE);
          return 2;
        }
        mermaid = format.equals("mermaid");
      } else if (!a.startsWith("--") && path == null) {
        path = Path.of(a);
      } else {
        err.println("explain: unexpected argument '" + a + "'\n" + USAGE);
        return 2;
      }
    }
    if (path == null) {
      err.println("explain: PATH is missing\n" + USAGE);
      return 2;
    }
    Map<String, byte[]> classes;
    try {
      classes = classFiles(path);
    } catch (IOException e) {
      err.println("explain: cannot read " + path + " (" + e + "); give a folder of class files, "
          + "a jar or a .class file");
      return 1;
    }
    // The classes an EA-style method returns are read as instrument reads them: PATH's classes
    // first, then the class path given, then the JDK.
    Map<String, byte[]> byName = byInternalName(classes);
    ClassHierarchy hierarchy = ClassHierarchy.offline(byName::get, classPath);
    List<MethodExplanation> explained = new ArrayList<>();
    for (byte[] classFile : classes.values()) {
      explained.addAll(Explainer.explain(classFile, method, hierarchy));
    }
    if (explained.isEmpty()) {
      long rewritten = classes.values().stream().filter(RewrittenMark::isMarked).count();
      err.println("explain: no async method" + (method == null ? "" : " named " + method)
          + " in the " + classes.size() + " classes under " + path + " (an async method returns "
          + "dev.tinyrt.Future and calls Async.await)"
          + (rewritten == 0 ? "" : "; " + rewritten + " of them were already rewritten by "
              + "instrument: explain the class files as javac wrote them, before instrumenting"));
      return 1;
    }
    out.print(mermaid ? ExplainMermaid.render(explained) : ExplainText.render(explained));
    return 0;
  }

  /** The same class files by the internal name each declares; a file that cannot be read is left out. */
  private static Map<String, byte[]> byInternalName(Map<String, byte[]> classes) {
    Map<String, byte[]> byName = new HashMap<>();
    for (byte[] classFile : classes.values()) {
      try {
        byName.put(new ClassReader(classFile).getClassName(), classFile);
      } catch (RuntimeException e) {
        // Not a class file: it is no superclass of anything.
      }
    }
    return byName;
  }

  /** The class files under {@code path}, by entry name, sorted. */
  private static Map<String, byte[]> classFiles(Path path) throws IOException {
    Map<String, byte[]> classes = new TreeMap<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.walk(path)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (file.toString().endsWith(".class")) {
            classes.put(path.relativize(file).toString(), Files.readAllBytes(file));
          }
        }
      }
    } else if (path.toString().endsWith(".class")) {
      classes.put(path.getFileName().toString(), Files.readAllBytes(path));
    } else {
      try (ZipFile jar = new ZipFile(path.toFile())) {
        for (ZipEntry entry : Collections.list(jar.entries())) {
          if (entry.getName().endsWith(".class")) {
            classes.put(entry.getName(), jar.getInputStream(entry).readAllBytes());
          }
        }
      }
    }
    return classes;
  }
}
