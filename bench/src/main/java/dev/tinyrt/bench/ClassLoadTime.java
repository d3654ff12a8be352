// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.bench;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads (defines, without initializing) every class of a jar in a fresh class loader and prints
 * how long it took: run it with and without the agent ({@code scripts/load-time}) to see what the
 * agent adds to class loading when, as in almost every class, there is nothing to rewrite.
 */
public final class ClassLoadTime {

  private ClassLoadTime() {}

  /**
   * Prints {@code classes=N failed=F millis=T} for the jar in {@code args[0]}.
   *
   * @param args the jar
   */
  public static void main(String[] args) throws Exception {
    File jar = new File(args[0]);
    List<String> names = new ArrayList<>();
    try (JarFile file = new JarFile(jar)) {
      for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.endsWith(".class") && !name.contains("module-info") && !name.startsWith("META-INF")) {
          names.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
        }
      }
    }
    int failed = 0;
    long start = System.nanoTime();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toURI().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      for (String name : names) {
        try {
          Class.forName(name, false, loader);
        } catch (LinkageError | ClassNotFoundException e) {
          failed++; // a class whose dependencies are not in the jar
        }
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("classes=" + names.size() + " failed=" + failed + " millis=" + millis);
  }
}
