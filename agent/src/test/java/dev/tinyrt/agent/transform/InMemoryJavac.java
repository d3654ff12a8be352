// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles Java source held in strings to class files held in memory, with javac's options. */
final class InMemoryJavac {

  private InMemoryJavac() {}

  /**
   * Compiles {@code sources} (file name to text) and returns the class files by binary name.
   *
   * @param sources source files by name, e.g. {@code p/Shop.java}
   * @param options javac options, e.g. {@code --release 8 -g:none}
   * @return the class files, by binary name
   * @throws IllegalStateException with javac's diagnostics if compilation fails
   */
  static Map<String, byte[]> compile(Map<String, String> sources, List<String> options) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StandardJavaFileManager standard = javac.getStandardFileManager(null, null, null);
    Map<String, ByteArrayOutputStream> outputs = new LinkedHashMap<>();
    JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(
          Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className + ".class"), kind) {
          @Override
          public OutputStream openOutputStream() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            outputs.put(className, out);
            return out;
          }
        };
      }
    };
    List<JavaFileObject> units = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      units.add(new SimpleJavaFileObject(
          URI.create("string:///" + source.getKey()), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return source.getValue();
        }
      });
    }
    List<String> allOptions = new ArrayList<>(options);
    allOptions.add("-classpath");
    allOptions.add(System.getProperty("java.class.path"));
    allOptions.add("-Xlint:-options");
    StringWriter diagnostics = new StringWriter();
    boolean ok = javac.getTask(diagnostics, manager, null, allOptions, null, units).call();
    if (!ok) {
      throw new IllegalStateException("javac failed:\n" + diagnostics);
    }
    Map<String, byte[]> classes = new LinkedHashMap<>();
    outputs.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
    return classes;
  }
}
