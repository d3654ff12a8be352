// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.fuzz.rt;

import dev.tinyrt.agent.transform.ClassRewriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Defines {@link Interp} a second time, rewritten by the agent's rewriter (in process, as the
 * rewrite fuzzer does), child-first; everything else comes from the parent. Its frames are defined
 * by its own static initializer into this loader.
 */
final class RewritingLoader extends ClassLoader {

  /** The one class defined here. */
  private static final String INTERP = Interp.class.getName();

  /** The interpreter, rewritten, made once per JVM. */
  private static volatile Interpreter instance;

  private RewritingLoader() {
    super(RewritingLoader.class.getClassLoader());
  }

  /** @return the rewritten interpreter */
  static Interpreter interpreter() {
    Interpreter i = instance;
    if (i == null) {
      synchronized (RewritingLoader.class) {
        i = instance;
        if (i == null) {
          try {
            Class<?> c = new RewritingLoader().loadClass(INTERP);
            i = (Interpreter) c.getConstructor().newInstance();
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make the rewritten interpreter: " + e, e);
          }
          instance = i;
        }
      }
    }
    return i;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.equals(INTERP)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c != null) {
        return c;
      }
      byte[] bytes = read(name);
      ClassRewriter.Outcome outcome = ClassRewriter.rewrite(bytes, ClassRewriter.Options.DEFAULT);
      if (!outcome.refusals().isEmpty() || outcome.unchanged()) {
        throw new IllegalStateException("the rewriter did not make " + name + " async: "
            + outcome.refusals() + "; fix the interpreter or the rewriter");
      }
      byte[] host = outcome.hostBytes();
      return defineClass(name, host, 0, host.length);
    }
  }

  private byte[] read(String name) throws ClassNotFoundException {
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = getParent().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ClassNotFoundException(name + ": no " + resource + " on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
