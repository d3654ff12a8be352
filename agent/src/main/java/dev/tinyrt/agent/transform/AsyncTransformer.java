// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import dev.tinyrt.agent.AgentLog;
import dev.tinyrt.agent.AgentOptions;
import dev.tinyrt.agent.RuntimeNames;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.instrument.ClassFileTransformer;
import java.nio.file.Files;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Map;

/**
 * The agent's class-file transformer. Never throws, never loads a class: a class it cannot handle
 * is returned unchanged with the reason logged once; a method it refuses throws the reason when
 * called.
 */
public final class AsyncTransformer implements ClassFileTransformer {

  /** Class name prefixes never transformed: the JDK's, and the agent's relocated libraries. */
  private static final String[] EXCLUDED = {
    "java/", "javax/", "jdk/", "sun/", "com/sun/", RuntimeNames.AGENT_PACKAGE + "shaded/"
  };

  /** Where the agent's own classes come from; classes from there are never transformed. */
  private static final URL AGENT_LOCATION = location(AsyncTransformer.class.getProtectionDomain());

  /** The agent's options. */
  private final AgentOptions options;

  /** The rewrite options derived from them. */
  private final ClassRewriter.Options rewriteOptions;

  /**
   * Creates the transformer.
   *
   * @param options the agent's options
   */
  public AsyncTransformer(AgentOptions options) {
    this.options = options;
    this.rewriteOptions = new ClassRewriter.Options(options.trace());
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    // Hidden classes (no name), the bootstrap loader's classes and redefinitions are left alone.
    if (className == null
        || loader == null
        || classBeingRedefined != null
        || excluded(className)
        || (AGENT_LOCATION != null && AGENT_LOCATION.equals(location(protectionDomain)))) {
      return null;
    }
    try {
      ClassRewriter.Outcome outcome = ClassRewriter.rewrite(classfileBuffer, rewriteOptions);
      if (outcome.unchanged()) {
        return null;
      }
      for (String refusal : outcome.refusals()) {
        AgentLog.once(Level.WARNING, refusal);
      }
      if (options.verbose()) {
        for (String method : outcome.rewritten()) {
          AgentLog.once(Level.INFO, "tinyrt rewrote " + method + " into a state machine");
        }
      }
      if (options.dump() != null) {
        dump(className, outcome);
      }
      return outcome.hostBytes();
    } catch (Throwable t) {
      AgentLog.once(
          Level.WARNING,
          "tinyrt left " + className.replace('/', '.') + " unchanged: it could not be parsed or "
              + "analysed (" + t + "). Its awaits, if any, throw when they run; if this class "
              + "file is valid, please report it.");
      return null;
    }
  }

  private static URL location(ProtectionDomain domain) {
    CodeSource source = domain == null ? null : domain.getCodeSource();
    return source == null ? null : source.getLocation();
  }

  private static boolean excluded(String className) {
    for (String prefix : EXCLUDED) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private void dump(String className, ClassRewriter.Outcome outcome) {
    try {
      write(className, outcome.hostBytes());
      for (Map.Entry<String, byte[]> frame : outcome.frames().entrySet()) {
        write(frame.getKey(), frame.getValue());
      }
    } catch (IOException e) {
      AgentLog.once(
          Level.WARNING,
          "tinyrt could not dump " + className + " under " + options.dump() + ": " + e);
    }
  }

  private void write(String internalName, byte[] bytes) throws IOException {
    Path file = options.dump().resolve(internalName + ".class");
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
