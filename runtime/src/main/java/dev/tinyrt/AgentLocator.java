// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Finds the agent's self-attach entry point for {@link Async#init()}. The runtime never depends on
 * the agent at compile time; the agent jar must be on the class path at run time.
 */
final class AgentLocator {

  /** The class in {@code tinyrt-agent.jar} whose static {@code install()} attaches the agent. */
  static final String SELF_ATTACH_CLASS = "dev.tinyrt.agent.SelfAttach";

  private AgentLocator() {}

  static void install() {
    Class<?> selfAttach;
    try {
      selfAttach = Class.forName(SELF_ATTACH_CLASS, true, loader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "Async.init() needs the tinyrt agent: put agent/target/tinyrt-agent.jar on the class "
              + "path, or start the JVM with -javaagent:agent/target/tinyrt-agent.jar instead",
          e);
    }
    try {
      Method install = selfAttach.getMethod("install");
      install.invoke(null);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("Async.init() failed: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "Async.init() found " + SELF_ATTACH_CLASS + " but could not call its install(): " + e
              + "; the runtime and agent jars must come from the same tinyrt version",
          e);
    }
  }

  private static ClassLoader loader() {
    ClassLoader own = AgentLocator.class.getClassLoader();
    return own != null ? own : ClassLoader.getSystemClassLoader();
  }
}
