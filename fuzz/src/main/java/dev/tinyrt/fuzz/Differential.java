// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz;

import dev.tinyrt.agent.transform.ClassRewriter;
import dev.tinyrt.rt.AsyncRuntime;
import dev.tinyrt.rt.JoinHandle;
import dev.tinyrt.Future;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Runs one program two ways and compares: rewritten by the agent's rewriter, on a multi-threaded
 * runtime, with futures completed later on another thread in random order; and as a blocking
 * reference that no rewriting touches. Equal logs and equal outcomes, or a divergence.
 */
final class Differential {

  /** How one compilation is done. */
  record Options(int release, boolean debug) {
    List<String> javac() {
      return List.of("--release", String.valueOf(release), debug ? "-g" : "-g:none");
    }

    @Override
    public String toString() {
      return "--release " + release + (debug ? " -g" : " -g:none");
    }
  }

  /** What a run printed and how it ended. */
  record Outcome(String log, String end) {
    @Override
    public String toString() {
      return log + end;
    }
  }

  /** The verdict on one program. */
  record Verdict(boolean diverged, String detail) {}

  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

  private Differential() {}

  /** Compiles {@code program} alone, both forms, and compares their runs. */
  static Verdict check(Program program, Options options, long seed) {
    Map<String, byte[]> classes;
    try {
      classes = compile(sources(program, 0), options);
    } catch (IllegalStateException e) {
      return new Verdict(false, "does not compile: " + e.getMessage());
    }
    return compare(classes, 0, seed);
  }

  /** The two forms of {@code program} as sources in packages {@code p<i>} and {@code q<i>}. */
  static Map<String, String> sources(Program program, int i) {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("p" + i + "/Prog.java", program.render("p" + i, false));
    sources.put("q" + i + "/Prog.java", program.render("q" + i, true));
    return sources;
  }

  /** Runs program {@code i} of {@code classes} both ways and compares. */
  static Verdict compare(Map<String, byte[]> classes, int i, long seed) {
    Outcome expected = runReference(classes, "q" + i);
    Outcome actual = runRewritten(classes, "p" + i, seed);
    if (expected.toString().equals(actual.toString())) {
      return new Verdict(false, "same");
    }
    return new Verdict(true, "reference:\n" + expected + "\nrewritten:\n" + actual);
  }

  static Outcome runReference(Map<String, byte[]> classes, String pkg) {
    H h = H.reference();
    try {
      Class<?> prog = new BytesLoader(classes, pkg, false).loadClass(pkg + ".Prog");
      Future<?> f = (Future<?>) prog.getMethod("main", H.class).invoke(null, h);
      return new Outcome(h.logged(), "result=" + dev.tinyrt.Async.blockOn(f));
    } catch (InvocationTargetException e) {
      return new Outcome(h.logged(), ending(e.getCause()));
    } catch (Throwable t) {
      return new Outcome(h.logged(), ending(t));
    }
  }

  static Outcome runRewritten(Map<String, byte[]> classes, String pkg, long seed) {
    H h = H.real(seed);
    try (AsyncRuntime rt = AsyncRuntime.builder().multiThread(2).build()) {
      Class<?> prog = new BytesLoader(classes, pkg, true).loadClass(pkg + ".Prog");
      Future<?> f = (Future<?>) prog.getMethod("main", H.class).invoke(null, h);
      JoinHandle<?> handle = rt.spawn(f);
      Object value = handle.toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new Outcome(h.logged(), "result=" + value);
    } catch (ExecutionException e) {
      return new Outcome(h.logged(), ending(e.getCause()));
    } catch (TimeoutException e) {
      return new Outcome(h.logged(), "hang: not done after 30 s");
    } catch (InvocationTargetException e) {
      return new Outcome(h.logged(), ending(e.getCause()));
    } catch (Throwable t) {
      return new Outcome(h.logged(), ending(t));
    } finally {
      h.close();
    }
  }

  private static String ending(Throwable t) {
    return "threw " + t.getClass().getName() + ": " + t.getMessage();
  }

  /** One file manager for all compilations: opening the class path each time costs the most. */
  private static StandardJavaFileManager standard;

  static synchronized Map<String, byte[]> compile(Map<String, String> sources, Options options) {
    if (standard == null) {
      standard = JAVAC.getStandardFileManager(null, null, null);
    }
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
    sources.forEach((name, source) -> units.add(new SimpleJavaFileObject(
        URI.create("string:///" + name), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    }));
    List<String> all = new ArrayList<>(options.javac());
    all.add("-classpath");
    all.add(System.getProperty("java.class.path"));
    all.add("-Xlint:-options");
    StringWriter diagnostics = new StringWriter();
    boolean ok = JAVAC.getTask(diagnostics, manager, null, all, null, units).call();
    if (!ok) {
      throw new IllegalStateException(diagnostics.toString());
    }
    Map<String, byte[]> classes = new LinkedHashMap<>();
    outputs.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
    return classes;
  }

  /** Defines the program's classes, rewritten or not. */
  static final class BytesLoader extends ClassLoader {
    private final Map<String, byte[]> classes;
    private final String pkg;
    private final boolean rewrite;

    BytesLoader(Map<String, byte[]> classes, String pkg, boolean rewrite) {
      super(Differential.class.getClassLoader());
      this.classes = classes;
      this.pkg = pkg + ".";
      this.rewrite = rewrite;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          byte[] bytes = name.startsWith(pkg) ? classes.get(name) : null;
          if (bytes == null) {
            return super.loadClass(name, resolve);
          }
          if (rewrite) {
            ClassRewriter.Outcome outcome = ClassRewriter.rewrite(bytes, ClassRewriter.Options.DEFAULT);
            if (!outcome.refusals().isEmpty()) {
              throw new IllegalStateException("refused: " + outcome.refusals());
            }
            if (!outcome.unchanged()) {
              bytes = outcome.hostBytes();
            }
          }
          c = defineClass(name, bytes, 0, bytes.length);
        }
        return c;
      }
    }
  }
}
