// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import java.io.File;
import java.net.URISyntaxException;
import java.security.CodeSource;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * {@code Async.init()}: attaches this jar as an agent to the running JVM through byte-buddy-agent,
 * which, where the JVM forbids attaching to itself, attaches from a short-lived helper process.
 * The runtime finds this class by name; it needs the agent jar on the class path.
 */
public final class SelfAttach {

  private SelfAttach() {}

  /**
   * Installs the agent in this JVM unless it already runs (from {@code -javaagent} or an earlier
   * call).
   *
   * @throws IllegalStateException if the agent jar cannot be found or the JVM refuses to attach
   */
  public static synchronized void install() {
    if (TinyrtAgent.isInstalled()) {
      return;
    }
    File jar = agentJar();
    try {
      ByteBuddyAgent.attach(jar, String.valueOf(ProcessHandle.current().pid()));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Async.init() could not attach the tinyrt agent to this JVM (" + e.getMessage()
              + "). Start the JVM with -javaagent:" + jar + " instead.",
          e);
    }
    if (!TinyrtAgent.isInstalled()) {
      throw new IllegalStateException(
          "Async.init() attached " + jar + " but its agent did not start in this class loader; "
              + "start the JVM with -javaagent:" + jar + " instead.");
    }
  }

  private static File agentJar() {
    CodeSource source = SelfAttach.class.getProtectionDomain().getCodeSource();
    File file = null;
    try {
      file = source == null ? null : new File(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      // fall through to the error below
    }
    if (file == null || !file.isFile() || !file.getName().endsWith(".jar")) {
      throw new IllegalStateException(
          "Async.init() needs the packaged agent jar (dev.tinyrt:tinyrt-agent, which carries ASM "
              + "and byte-buddy-agent inside) on the class path, but the agent classes were found "
              + "at " + (file == null ? "an unknown place" : file) + ", which is not a jar. Put "
              + "tinyrt-agent.jar on the class path instead, or start the JVM with "
              + "-javaagent:/path/to/tinyrt-agent.jar and drop the call.");
    }
    return file;
  }
}
