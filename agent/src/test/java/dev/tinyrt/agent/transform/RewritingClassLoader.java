// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import dev.tinyrt.agent.filter.ClassHierarchy;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Defines a set of classes from their bytes, each rewritten by {@link ClassRewriter} first, as the
 * agent would; everything else comes from the parent (the runtime among it). Before defining a
 * rewritten class it checks it, and each of its frame classes, with ASM's {@link CheckClassAdapter}.
 */
final class RewritingClassLoader extends ClassLoader {

  /** The original class files, by binary name. */
  private final Map<String, byte[]> originals;

  /** The rewrite options. */
  private final ClassRewriter.Options options;

  /** What each rewritten class became, by binary name. */
  final Map<String, ClassRewriter.Outcome> outcomes = new LinkedHashMap<>();

  RewritingClassLoader(Map<String, byte[]> originals, ClassRewriter.Options options) {
    super(RewritingClassLoader.class.getClassLoader());
    this.originals = originals;
    this.options = options;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        byte[] original = originals.get(name);
        if (original == null) {
          return super.loadClass(name, resolve);
        }
        ClassRewriter.Outcome outcome =
            ClassRewriter.rewrite(original, options, ClassHierarchy.of(this));
        byte[] bytes = original;
        if (!outcome.unchanged()) {
          outcomes.put(name, outcome);
          bytes = outcome.hostBytes();
          checkWithAsm(name, outcome);
        }
        loaded = defineClass(name, bytes, 0, bytes.length);
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  /** Serves the original class files as resources, as a class path would (for the hierarchy). */
  @Override
  public InputStream getResourceAsStream(String name) {
    byte[] original = name.endsWith(".class")
        ? originals.get(name.substring(0, name.length() - ".class".length()).replace('/', '.'))
        : null;
    return original != null ? new ByteArrayInputStream(original) : super.getResourceAsStream(name);
  }

  /**
   * Runs {@link CheckClassAdapter#verify} on a rewritten class and its frames, resolving types in
   * a throwaway loader that knows them all, so nothing is defined here before its time.
   */
  void checkWithAsm(String name, ClassRewriter.Outcome outcome) {
    Map<String, byte[]> all = new LinkedHashMap<>();
    originals.forEach(all::put);
    all.put(name, outcome.hostBytes());
    outcome.frames().forEach((frame, bytes) -> all.put(frame.replace('/', '.'), bytes));
    ClassLoader types = new ClassLoader(getParent()) {
      @Override
      protected Class<?> findClass(String n) throws ClassNotFoundException {
        byte[] b = all.get(n);
        if (b == null) {
          throw new ClassNotFoundException(n);
        }
        return defineClass(n, b, 0, b.length);
      }

      @Override
      protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(n)) {
          Class<?> c = findLoadedClass(n);
          if (c == null) {
            c = all.containsKey(n) ? findClass(n) : super.loadClass(n, resolve);
          }
          return c;
        }
      }
    };
    verify(outcome.hostBytes(), types, name);
    outcome.frames().forEach((frame, bytes) -> verify(bytes, types, frame));
  }

  private static void verify(byte[] bytes, ClassLoader types, String name) {
    StringWriter report = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(bytes), types, false, new PrintWriter(report));
    if (!report.toString().isEmpty()) {
      throw new AssertionError("CheckClassAdapter rejects " + name + ":\n" + report);
    }
  }
}
