// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Where a {@link ClassHierarchy} reads class files from when no class loader is at hand: at build
 * time ({@code instrument}, {@code explain}, tinyrt-maven-plugin) the classes being rewritten are
 * in a folder or a jar, their superclasses in that folder or jar, on the build's class path, or in
 * the JDK. Each source maps an internal name to its class file, or to null when it has none.
 */
public final class ClassFileSources {

  private ClassFileSources() {}

  /**
   * The sources tried in order: the first that has the class file gives it.
   *
   * @param sources the sources, most specific first
   * @return a source that asks each in turn
   */
  @SafeVarargs
  public static Function<String, byte[]> firstOf(Function<String, byte[]>... sources) {
    List<Function<String, byte[]>> all = List.of(sources);
    return name -> {
      for (Function<String, byte[]> source : all) {
        byte[] bytes = source.apply(name);
        if (bytes != null) {
          return bytes;
        }
      }
      return null;
    };
  }

  /**
   * The class files of a class path: folders and jars, in order; an entry that does not exist, or
   * is neither, has no class file.
   *
   * @param classPath the entries, as a build tool lists them
   * @return the source
   */
  public static Function<String, byte[]> classPath(List<Path> classPath) {
    List<Path> entries = List.copyOf(classPath);
    return name -> {
      for (Path entry : entries) {
        byte[] bytes = Files.isDirectory(entry) ? inFolder(entry, name) : inJar(entry, name);
        if (bytes != null) {
          return bytes;
        }
      }
      return null;
    };
  }

  /**
   * The class files of a class folder ({@code target/classes}): {@code a/b/C.class} under it.
   *
   * @param folder the folder
   * @return the source
   */
  public static Function<String, byte[]> folder(Path folder) {
    return name -> inFolder(folder, name);
  }

  /**
   * The class files of an open jar, read while it stays open.
   *
   * @param jar the jar
   * @return the source
   */
  public static Function<String, byte[]> jar(ZipFile jar) {
    return name -> {
      ZipEntry entry = jar.getEntry(name + ".class");
      if (entry == null || entry.isDirectory()) {
        return null;
      }
      try (InputStream in = jar.getInputStream(entry)) {
        return in.readAllBytes();
      } catch (IOException | RuntimeException e) {
        return null;
      }
    };
  }

  /**
   * The JDK's class files, through the platform class loader's resources: none of the tool's own
   * class path, which is not the user's.
   *
   * @return the source
   */
  public static Function<String, byte[]> jdk() {
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    return name -> ClassHierarchy.read(platform, name);
  }

  private static byte[] inFolder(Path folder, String name) {
    Path file = folder.resolve(name + ".class");
    try {
      return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  private static byte[] inJar(Path jar, String name) {
    if (!Files.isRegularFile(jar)) {
      return null;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return jar(zip).apply(name);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
