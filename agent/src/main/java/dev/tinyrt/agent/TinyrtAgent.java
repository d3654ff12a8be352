// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import dev.tinyrt.agent.transform.AsyncTransformer;
import dev.tinyrt.agent.transform.LoadedTooEarly;
import java.lang.System.Logger.Level;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points, named by the jar's manifest ({@code Premain-Class}, {@code
 * Agent-Class}): install the transformer that rewrites async methods as their classes load.
 */
public final class TinyrtAgent {

  /** Whether the transformer is installed in this JVM (by this class's loader). */
  private static volatile boolean installed;

  private TinyrtAgent() {}

  /**
   * Called before {@code main} when the JVM starts with {@code -javaagent:tinyrt-agent.jar[=options]}.
   *
   * @param options the text after {@code =}, or {@code null}
   * @param instrumentation the JVM's instrumentation
   */
  public static void premain(String options, Instrumentation instrumentation) {
    install(options, instrumentation);
  }

  /**
   * Called when the agent is attached to a running JVM, by {@code Async.init()}: installs the
   * transformer, then reports the classes with async methods that loaded before it.
   *
   * @param options the attach options, or {@code null}
   * @param instrumentation the JVM's instrumentation
   */
  public static void agentmain(String options, Instrumentation instrumentation) {
    if (install(options, instrumentation)) {
      String report = LoadedTooEarly.report(instrumentation.getAllLoadedClasses());
      if (report != null) {
        AgentLog.once(Level.WARNING, report);
      }
    }
  }

  /** @return whether the transformer is installed */
  public static boolean isInstalled() {
    return installed;
  }

  private static synchronized boolean install(String text, Instrumentation instrumentation) {
    if (installed) {
      return false;
    }
    AgentOptions options;
    try {
      options = AgentOptions.parse(text);
    } catch (IllegalArgumentException e) {
      AgentLog.once(Level.ERROR, e.getMessage() + "; the agent runs without options");
      options = AgentOptions.NONE;
    }
    instrumentation.addTransformer(new AsyncTransformer(options), /* canRetransform = */ false);
    installed = true;
    return true;
  }
}
