// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import dev.tinyrt.agent.diagnostics.AllowList;
import dev.tinyrt.agent.diagnostics.LoadTimeWarnings;
import dev.tinyrt.agent.filter.ClassFileSources;
import dev.tinyrt.agent.filter.ClassHierarchy;
import dev.tinyrt.agent.transform.ClassRewriter;
import dev.tinyrt.agent.transform.RewrittenMark;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@code instrument PATH [--out DIR] [--classpath CP]}: rewrites the async methods of a class folder or a jar at
 * build time, with the agent's own rewrite, so they run with only {@code tinyrt-runtime} on the
 * class path. Each frame class is written beside its host; each rewritten host is marked
 * ({@link RewrittenMark}), so a second run, and the agent at load time, leave it alone. The
 * classes an EA-style method returns (a {@code CompletableFuture} subclass of the user's) are read
 * from PATH first, then from the class path given, then from the JDK ({@link
 * ClassHierarchy#offline}), never from this tool's own class path.
 *
 * <p>Public for build tools that run the same rewrite in their own JVM: {@link
 * #instrumentFolder(Path, Path, List)} (tinyrt-maven-plugin calls it).
 */
public final class InstrumentCommand implements Command {

  /** The exit status when a method was refused or a file could not be written. */
  static final int PROBLEMS = 1;

  /** What one run did, for the report; read by build tools through its accessors. */
  public static final class Report {
    /** The methods made into state machines, as {@code Class.method (File.java:line)}. */
    final List<String> rewritten = new ArrayList<>();
    /** The refusals, each naming the method, {@code File.java:line} and the fix. */
    final List<String> refused = new ArrayList<>();
    /** The same refusals by the class file that holds the methods, relative and '/'-separated. */
    final Map<String, List<String>> refusedByFile = new LinkedHashMap<>();
    /** Class files that could not be parsed, left as they were. */
    final List<String> unreadable = new ArrayList<>();
    /**
     * The warnings the agent logs as such a class loads (a blocking call in an async method, an
     * await with a lock held), each naming the method and {@code File.java:line}.
     */
    final List<String> warnings = new ArrayList<>();
    /** How many classes were rewritten. */
    int classes;
    /** How many frame classes were written beside them. */
    int frames;
    /** How many classes carried the mark of an earlier run, and were left alone. */
    int alreadyRewritten;

    /** @return the methods made into state machines, as {@code Class.method (File.java:line)} */
    public List<String> rewritten() {
      return Collections.unmodifiableList(rewritten);
    }

    /** @return the refusals, each naming the method, {@code File.java:line} and the fix */
    public List<String> refused() {
      return Collections.unmodifiableList(refused);
    }

    /**
     * @return the refusals by the class file that holds the refused methods (rewritten and marked
     *     all the same: calling a refused method throws its refusal), relative to the folder
     */
    public Map<String, List<String>> refusedByFile() {
      return Collections.unmodifiableMap(refusedByFile);
    }

    /** @return the class files that could not be parsed, left as they were, with the reason */
    public List<String> unreadable() {
      return Collections.unmodifiableList(unreadable);
    }

    /**
     * @return the warnings of the classes rewritten, as the agent logs them at load time: a
     *     blocking call in an async method, an await with a lock held
     */
    public List<String> warnings() {
      return Collections.unmodifiableList(warnings);
    }

    /**
     * @param written the folder or jar written
     * @return the run in one line: methods rewritten, classes, frames, refusals, classes skipped
     */
    public String summary(Path written) {
      return "tinyrt instrument: " + rewritten.size() + " async methods rewritten in " + classes
          + " classes (" + frames + " frame classes written), " + refused.size() + " refused, "
          + alreadyRewritten + " classes already rewritten, " + warnings.size() + " warnings; "
          + written;
    }
  }

  /**
   * The warnings the agent would log as the class loads (allowed calls from {@code
   * -Dtinyrt.allowBlocking} left out); a diagnostic that fails costs the rewrite nothing.
   */
  private static List<String> warnings(String path, byte[] bytes) {
    try {
      return LoadTimeWarnings.of(bytes, AllowList.load(null));
    } catch (IOException | RuntimeException e) {
      return List.of("tinyrt's load-time diagnostics failed on " + path + " (" + e + "); its async "
          + "methods are rewritten as usual. Please report it with the class file.");
    }
  }

  /** The files one class file becomes: itself (maybe rewritten) and its frames, by relative path. */
  private record Rewritten(Map<String, byte[]> files, boolean changed) {}

  @Override
  public String name() {
    return "instrument";
  }

  @Override
  public String usage() {
    return "PATH [--out DIR] [--classpath CP]   rewrite the async methods of a class folder or a "
        + "jar (in place, or into DIR) so they run without the agent, with only tinyrt-runtime on "
        + "the class path; CP (folders and jars, separated by '" + File.pathSeparator + "') is "
        + "where the classes PATH uses come from, read for the superclasses of the types its "
        + "methods return; exit status 1 if a method is refused";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    // Arguments.
    Path in = null;
    Path outDir = null;
    List<Path> classPath = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--out") && i + 1 < args.size()) {
        outDir = Path.of(args.get(++i));
      } else if ((arg.equals("--classpath") || arg.equals("-cp")) && i + 1 < args.size()) {
        for (String entry : args.get(++i).split(File.pathSeparator)) {
          if (!entry.isEmpty()) {
            classPath.add(Path.of(entry));
          }
        }
      } else if (!arg.startsWith("-") && in == null) {
        in = Path.of(arg);
      } else {
        err.println("tinyrt instrument: unexpected argument '" + arg + "'");
        err.println("usage: java -jar tinyrt-agent.jar instrument " + usage());
        return Main.USAGE_ERROR;
      }
    }
    if (in == null) {
      err.println("usage: java -jar tinyrt-agent.jar instrument " + usage());
      return Main.USAGE_ERROR;
    }
    if (!Files.exists(in)) {
      err.println("tinyrt instrument: " + in + " does not exist; give a folder of class files "
          + "(such as target/classes) or a jar");
      return Main.USAGE_ERROR;
    }

    // The rewrite.
    Report report = new Report();
    Path written;
    try {
      if (Files.isDirectory(in)) {
        written = outDir == null ? in : outDir;
        instrumentFolder(in, written, classPath, report);
      } else if (in.getFileName().toString().endsWith(".jar")) {
        written = outDir == null ? in : outDir.resolve(in.getFileName());
        if (!instrumentJar(in, written, classPath, report, err)) {
          return PROBLEMS;
        }
      } else {
        err.println("tinyrt instrument: " + in + " is neither a folder nor a .jar");
        return Main.USAGE_ERROR;
      }
    } catch (IOException | UncheckedIOException e) {
      err.println("tinyrt instrument: could not rewrite " + in + ": " + e);
      return PROBLEMS;
    }

    // The report.
    for (String method : report.rewritten) {
      out.println("rewrote " + method);
    }
    for (String refusal : report.refused) {
      err.println("refused: " + refusal);
    }
    for (String unreadable : report.unreadable) {
      err.println("left unchanged: " + unreadable);
    }
    for (String warning : report.warnings) {
      err.println("warning: " + warning);
    }
    out.println(report.summary(written));
    return report.refused.isEmpty() ? 0 : PROBLEMS;
  }

  /**
   * Rewrites every class file under {@code from} into {@code to} (the same folder: in place), as
   * {@code instrument FOLDER [--out DIR]} does, without printing: the caller reports. Other
   * classes are read from {@code from} and the JDK only.
   *
   * @param from the class folder, such as {@code target/classes}
   * @param to where the classes and their frames are written; {@code from} to rewrite in place
   * @return what was rewritten, refused and left alone
   * @throws IOException if a file cannot be read or written
   */
  public static Report instrumentFolder(Path from, Path to) throws IOException {
    return instrumentFolder(from, to, List.of());
  }

  /**
   * Rewrites every class file under {@code from} into {@code to} (the same folder: in place), as
   * {@code instrument FOLDER [--out DIR] [--classpath CP]} does, without printing: the caller
   * reports.
   *
   * @param from the class folder, such as {@code target/classes}
   * @param to where the classes and their frames are written; {@code from} to rewrite in place
   * @param classPath where the classes {@code from} uses come from (folders and jars, such as a
   *     build's compile class path), read after {@code from} and before the JDK for the
   *     superclasses of the types its methods return
   * @return what was rewritten, refused and left alone
   * @throws IOException if a file cannot be read or written
   */
  public static Report instrumentFolder(Path from, Path to, List<Path> classPath)
      throws IOException {
    Report report = new Report();
    instrumentFolder(from, to, classPath, report);
    return report;
  }

  /** Rewrites every class file under {@code from} into {@code to} (which may be the same). */
  private static void instrumentFolder(Path from, Path to, List<Path> classPath, Report report)
      throws IOException {
    ClassHierarchy hierarchy = ClassHierarchy.offline(ClassFileSources.folder(from), classPath);
    boolean inPlace = Files.exists(to) && Files.isSameFile(from, to);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(from)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String relative = from.relativize(file).toString().replace('\\', '/');
      byte[] bytes = Files.readAllBytes(file);
      Rewritten result = relative.endsWith(".class")
          ? rewrite(relative, bytes, hierarchy, report)
          : new Rewritten(Map.of(relative, bytes), false);
      if (result.changed() || !inPlace) {
        // The frames first, the marked host last, each written whole or not at all: a run that
        // fails half way never leaves a host marked as rewritten without its frames, which a
        // later run would skip as "already rewritten".
        for (Map.Entry<String, byte[]> entry : result.files().entrySet()) {
          if (!entry.getKey().equals(relative)) {
            writeWhole(to.resolve(entry.getKey()), entry.getValue());
          }
        }
        writeWhole(to.resolve(relative), result.files().get(relative));
      }
    }
  }

  /** Writes {@code bytes} to {@code target} through a file beside it, moved over it at the end. */
  private static void writeWhole(Path target, byte[] bytes) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, target.getFileName().toString(), ".tmp");
    try {
      Files.write(temporary, bytes);
      try {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Rewrites every class of the jar {@code from} into the jar {@code to} (which may be the same:
   * written beside it, then moved over it), entries in their order, frames after their hosts.
   *
   * @return false, with the reason printed, when the jar is signed
   */
  private static boolean instrumentJar(
      Path from, Path to, List<Path> classPath, Report report, PrintStream err)
      throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Map<String, ZipEntry> originals = new HashMap<>();
    boolean changed = false;
    try (ZipFile zip = new ZipFile(from.toFile())) {
      ClassHierarchy hierarchy = ClassHierarchy.offline(ClassFileSources.jar(zip), classPath);
      for (ZipEntry entry : zip.stream().toList()) {
        String name = entry.getName();
        if (name.startsWith("META-INF/") && name.endsWith(".SF")) {
          err.println("tinyrt instrument: " + from + " is signed (" + name + "); rewriting its "
              + "classes would break the signature. Instrument the classes before signing.");
          return false;
        }
        byte[] bytes;
        try (InputStream stream = zip.getInputStream(entry)) {
          bytes = stream.readAllBytes();
        }
        Rewritten result = name.endsWith(".class") && !entry.isDirectory()
            ? rewrite(name, bytes, hierarchy, report)
            : new Rewritten(Map.of(name, bytes), false);
        changed |= result.changed();
        entries.putAll(result.files());
        for (String written : result.files().keySet()) {
          // A frame takes its host's entry as a model (time, method); the host keeps its own.
          originals.put(written, entry);
        }
      }
    }
    boolean inPlace = Files.exists(to) && Files.isSameFile(from, to);
    if (inPlace && !changed) {
      return true;
    }
    Path parent = to.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, to.getFileName().toString(), ".tmp");
    try (OutputStream file = Files.newOutputStream(temporary);
        ZipOutputStream jar = new ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        jar.putNextEntry(entryFor(entry.getKey(), originals.get(entry.getKey()), entry.getValue()));
        jar.write(entry.getValue());
        jar.closeEntry();
      }
    } catch (IOException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    Files.move(temporary, to, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  /**
   * Returns the entry to write {@code bytes} under {@code name}, keeping what the original entry
   * said (method, time, comment, extra fields): a nested jar stored uncompressed stays stored, as
   * Spring Boot's {@code BOOT-INF/lib} needs, and unchanged entries keep their times.
   */
  private static ZipEntry entryFor(String name, ZipEntry original, byte[] bytes) {
    ZipEntry entry = new ZipEntry(name);
    entry.setTime(original.getTime());
    entry.setComment(original.getComment());
    if (original.getName().equals(name)) {
      entry.setExtra(original.getExtra());
    }
    if (original.getMethod() == ZipEntry.STORED) {
      // A stored entry's header carries its size and CRC before its bytes.
      CRC32 crc = new CRC32();
      crc.update(bytes);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(bytes.length);
      entry.setCompressedSize(bytes.length);
      entry.setCrc(crc.getValue());
    }
    return entry;
  }

  /**
   * What to say of a class file that cannot be parsed: it is left as it was, its awaits (if any)
   * throw when they run, and what to check and do.
   */
  static String unparsable(String path, RuntimeException e) {
    return path + " could not be parsed (" + e + ") and is left as it was: if it has async "
        + "methods, their awaits throw when they run. Check that class file with 'javap -v': a "
        + "file javap cannot read either is truncated or not a class file (remove it, or rebuild "
        + "so the compiler writes it again), then run instrument again; if javap reads it, "
        + "please report it to tinyrt with the class file, and meanwhile run that class under "
        + "the agent (-javaagent:tinyrt-agent.jar) instead.";
  }

  /**
   * Rewrites one class file: the host, marked, and its frames beside it (same folder), or the
   * class as it was. Never throws for a class it cannot parse: that class is left unchanged.
   *
   * @param path the class file's path relative to the folder or jar root
   * @param hierarchy where other classes are read from
   */
  private static Rewritten rewrite(
      String path, byte[] bytes, ClassHierarchy hierarchy, Report report) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(path, bytes);
    ClassRewriter.Outcome outcome;
    try {
      List<String> kept = RewrittenMark.refusalsIfMarked(bytes);
      if (kept != null) {
        report.alreadyRewritten++;
        // A refused method stays refused: say so on every run, not only the first.
        report.refused.addAll(kept);
        if (!kept.isEmpty()) {
          report.refusedByFile.put(path, kept);
        }
        return new Rewritten(files, false);
      }
      outcome = ClassRewriter.rewriteOffline(bytes, ClassRewriter.Options.DEFAULT, hierarchy);
    } catch (RuntimeException e) {
      report.unreadable.add(unparsable(path, e));
      return new Rewritten(files, false);
    }
    if (outcome.unchanged()) {
      return new Rewritten(files, false);
    }
    report.warnings.addAll(warnings(path, bytes));
    report.classes++;
    report.rewritten.addAll(outcome.rewritten());
    report.refused.addAll(outcome.refusals());
    if (!outcome.refusals().isEmpty()) {
      report.refusedByFile.put(path, List.copyOf(outcome.refusals()));
    }
    files.put(path, RewrittenMark.mark(outcome.hostBytes(), outcome.refusals()));
    String folder = path.substring(0, path.lastIndexOf('/') + 1);
    for (String frame : outcome.frames().keySet()) {
      String simpleName = frame.substring(frame.lastIndexOf('/') + 1);
      files.put(folder + simpleName + ".class", outcome.frames().get(frame));
      report.frames++;
    }
    return new Rewritten(files, true);
  }
}
