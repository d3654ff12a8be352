// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import dev.tinyrt.agent.AgentLog;
import dev.tinyrt.agent.AgentOptions;
import dev.tinyrt.agent.RuntimeNames;
import dev.tinyrt.agent.analysis.ControlFlows;
import dev.tinyrt.agent.diagnostics.AllowList;
import dev.tinyrt.agent.diagnostics.ExplainText;
import dev.tinyrt.agent.diagnostics.Explainer;
import dev.tinyrt.agent.diagnostics.LoadTimeWarnings;
import dev.tinyrt.agent.filter.ClassHierarchy;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.instrument.ClassFileTransformer;
import java.nio.file.Files;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.tree.ClassNode;

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

  /** The blocking calls the user accepts, from {@code allowBlocking=FILE} and the property. */
  private final AllowList allowBlocking;

  /**
   * Creates the transformer.
   *
   * @param options the agent's options
   */
  public AsyncTransformer(AgentOptions options) {
    this.options = options;
    this.rewriteOptions = new ClassRewriter.Options(options.trace());
    this.allowBlocking = allowList(options);
  }

  private static AllowList allowList(AgentOptions options) {
    try {
      return AllowList.load(options.allowBlocking());
    } catch (IOException | RuntimeException e) {
      AgentLog.once(
          Level.ERROR,
          "tinyrt could not read the allow-list " + options.allowBlocking() + " (" + e + "); "
              + "give allowBlocking=FILE a readable file of lines 'owner.method' or "
              + "'Class.method'. Until then only -D" + AllowList.PROPERTY + " is used.");
      try {
        return AllowList.load(null);
      } catch (IOException never) {
        return AllowList.NONE;
      }
    }
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
      ClassHierarchy hierarchy = ClassHierarchy.of(loader);
      // The warnings are read from the class as the rewrite read it, before it changes it.
      List<String> warnings = new ArrayList<>();
      ClassRewriter.Outcome outcome = ClassRewriter.rewrite(classfileBuffer, rewriteOptions,
          hierarchy, (original, flows) -> warn(className, original, flows, warnings));
      if (outcome.unchanged()) {
        return null;
      }
      for (String refusal : outcome.refusals()) {
        AgentLog.once(Level.WARNING, refusal);
      }
      for (String warning : warnings) {
        AgentLog.once(Level.WARNING, warning);
      }
      explain(className, classfileBuffer, hierarchy);
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

  /**
   * The load-time warnings of a class with async methods, blocking calls and locks held across
   * awaits, added to {@code warnings} (logged once each by the caller).
   */
  private void warn(
      String className, ClassNode original, ControlFlows flows, List<String> warnings) {
    try {
      warnings.addAll(LoadTimeWarnings.of(original, allowBlocking, flows));
    } catch (RuntimeException e) {
      diagnosticsFailed(className, e);
    }
  }

  /** Prints the states of a class's async methods when the {@code explain} option is on. */
  private void explain(String className, byte[] classFile, ClassHierarchy hierarchy) {
    if (!options.explain()) {
      return;
    }
    try {
      System.out.print(ExplainText.render(
          Explainer.explain(classFile, /* methodName = */ null, hierarchy)));
    } catch (RuntimeException e) {
      diagnosticsFailed(className, e);
    }
  }

  /** A diagnostic must never cost the rewrite: the class is rewritten all the same. */
  private static void diagnosticsFailed(String className, RuntimeException e) {
    AgentLog.once(
        Level.WARNING,
        "tinyrt's load-time diagnostics failed on " + className.replace('/', '.') + " (" + e
            + "); its async methods are rewritten as usual. Please report it with the class file.");
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
