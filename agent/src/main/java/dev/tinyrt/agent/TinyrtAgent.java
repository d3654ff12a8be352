// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import java.lang.instrument.Instrumentation;

/** The agent's entry points, named by the jar's manifest ({@code Premain-Class}, {@code Agent-Class}). */
public final class TinyrtAgent {

  private TinyrtAgent() {}

  /**
   * Called before {@code main} when the JVM starts with {@code -javaagent:tinyrt-agent.jar[=options]}.
   *
   * @param options the text after {@code =}, or {@code null}
   * @param instrumentation the JVM's instrumentation
   */
  public static void premain(String options, Instrumentation instrumentation) {
    // The class-file transformer is installed here by the agent issue.
  }

  /**
   * Called when the agent is attached to a running JVM ({@code Async.init()}).
   *
   * @param options the attach options, or {@code null}
   * @param instrumentation the JVM's instrumentation
   */
  public static void agentmain(String options, Instrumentation instrumentation) {
    premain(options, instrumentation);
  }
}
