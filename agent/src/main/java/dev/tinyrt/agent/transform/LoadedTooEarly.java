// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import dev.tinyrt.agent.analysis.AsyncMethods;
import dev.tinyrt.agent.filter.AsyncFilter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * After {@code Async.init()}: which classes with async methods had already loaded, and so could
 * not be rewritten. Their class files are read back through their loaders' resources.
 */
public final class LoadedTooEarly {

  private LoadedTooEarly() {}

  /**
   * Returns a warning naming each loaded class with async methods, or null if there is none.
   *
   * @param loaded the classes loaded so far
   * @return the message, or null
   */
  public static String report(Class<?>[] loaded) {
    List<String> found = new ArrayList<>();
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    for (Class<?> type : loaded) {
      ClassLoader loader = type.getClassLoader();
      if (loader == null || loader == platform || type.isArray() || type.isHidden()) {
        continue;
      }
      String internal = type.getName().replace('.', '/');
      byte[] bytes = read(loader, internal + ".class");
      if (bytes == null || !AsyncFilter.mentionsAsync(bytes)) {
        continue;
      }
      List<String> methods = asyncMethods(bytes);
      if (!methods.isEmpty()) {
        found.add(type.getName() + " (" + String.join(", ", methods) + ")");
      }
    }
    if (found.isEmpty()) {
      return null;
    }
    return "Async.init() came after these classes with async methods had loaded, so they were not "
        + "rewritten and their awaits throw: " + String.join("; ", found) + ". Call Async.init() "
        + "before they load, from a class without async methods (a small launcher main), or start "
        + "the JVM with -javaagent:tinyrt-agent.jar.";
  }

  private static List<String> asyncMethods(byte[] bytes) {
    List<String> names = new ArrayList<>();
    try {
      ClassNode node = new ClassNode();
      new ClassReader(bytes).accept(node, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
      for (MethodNode method : node.methods) {
        if (!AsyncMethods.awaitsOf(method).isEmpty()) {
          names.add(method.name);
        }
      }
    } catch (RuntimeException e) {
      // A class file we cannot read: the JVM loaded it, but we have nothing to say about it.
    }
    return names;
  }

  private static byte[] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
