// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.stream.Stream;

/**
 * Finds the agent for {@link Async#init()} and for the messages that say how to enable it. The
 * runtime never depends on the agent at compile time; the agent jar must be on the class path at
 * run time, or given to the JVM with {@code -javaagent}.
 */
final class AgentLocator {

  /** The class in {@code tinyrt-agent.jar} whose static {@code install()} attaches the agent. */
  static final String SELF_ATTACH_CLASS = "dev.tinyrt.agent.SelfAttach";

  /** The same class as a resource: where it is found tells where the agent jar is, unloaded. */
  private static final String SELF_ATTACH_RESOURCE = SELF_ATTACH_CLASS.replace('.', '/') + ".class";

  /** What a message names when the agent jar's place is not known. */
  static final String SOME_AGENT_JAR = "/path/to/tinyrt-agent.jar";

  /** The runtime's artifact id: its folder in a Maven repository, the start of its jar's name. */
  private static final String RUNTIME_ARTIFACT = "tinyrt-runtime";

  /** The agent's artifact id: its folder in a Maven repository, the start of its jar's name. */
  private static final String AGENT_ARTIFACT = "tinyrt-agent";

  private AgentLocator() {}

  static void install() {
    Class<?> selfAttach;
    try {
      selfAttach = Class.forName(SELF_ATTACH_CLASS, true, loader());
    } catch (ClassNotFoundException e) {
      String jar = agentJar(); // lists a folder: once
      throw new IllegalStateException(
          "Async.init() needs the tinyrt agent jar (dev.tinyrt:tinyrt-agent) on the class path: "
              + "add " + jar + " to it, or start the JVM with -javaagent:" + jar
              + " and drop the call",
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

  /**
   * The agent jar to name in a message: the jar the agent's classes are on the class path from;
   * else one found beside the runtime's jar (in the same folder, or in a Maven repository's
   * layout); else {@link #SOME_AGENT_JAR}. Never throws.
   */
  static String agentJar() {
    CodeSource runtime = AgentLocator.class.getProtectionDomain().getCodeSource();
    return agentJar(loader(), runtime == null ? null : runtime.getLocation());
  }

  /**
   * {@link #agentJar()} for a given class loader and runtime location (tests use their own).
   *
   * @param loader where to look for the agent's classes
   * @param runtimeLocation where the runtime's classes come from, or null
   * @return a path to show in a message
   */
  static String agentJar(ClassLoader loader, URL runtimeLocation) {
    try {
      // On the class path: the jar holding the agent's classes.
      Path onClassPath = jarHolding(loader.getResource(SELF_ATTACH_RESOURCE));
      if (onClassPath != null) {
        return onClassPath.toString();
      }
      // Beside the runtime jar.
      Path runtimeJar = runtimeLocation == null ? null : fileOf(runtimeLocation);
      Path beside = runtimeJar == null ? null : besideRuntime(runtimeJar);
      if (beside != null) {
        return beside.toString();
      }
    } catch (RuntimeException | IOException e) {
      // Only a hint for a message: fall back to the generic path.
    }
    return SOME_AGENT_JAR;
  }

  /** The jar file a {@code jar:file:...!/entry} resource URL points into, or null. */
  private static Path jarHolding(URL resource) {
    if (resource == null || !"jar".equals(resource.getProtocol())) {
      return null;
    }
    String spec = resource.getFile();
    int bang = spec.indexOf("!/");
    return bang < 0 ? null : fileOf(spec.substring(0, bang));
  }

  private static Path fileOf(URL url) {
    return fileOf(url.toString());
  }

  private static Path fileOf(String url) {
    URI uri = URI.create(url);
    return "file".equals(uri.getScheme()) ? Path.of(uri) : null;
  }

  /**
   * An agent jar next to {@code runtimeJar}: {@code tinyrt-agent*.jar} in the same folder (a
   * {@code lib/} folder), or the same version's jar in a Maven repository's layout
   * ({@code .../tinyrt-runtime/V/tinyrt-runtime-V.jar} next to
   * {@code .../tinyrt-agent/V/tinyrt-agent-V.jar}).
   */
  private static Path besideRuntime(Path runtimeJar) throws IOException {
    Path folder = runtimeJar.getParent();
    if (!Files.isRegularFile(runtimeJar) || folder == null) {
      return null;
    }
    try (Stream<Path> files = Files.list(folder)) {
      Path same = files.filter(AgentLocator::isAgentJar).sorted().findFirst().orElse(null);
      if (same != null) {
        return same;
      }
    }
    Path artifact = folder.getParent();
    if (artifact != null
        && artifact.getParent() != null
        && artifact.getFileName().toString().equals(RUNTIME_ARTIFACT)) {
      String version = folder.getFileName().toString();
      Path agent = artifact.resolveSibling(AGENT_ARTIFACT).resolve(version)
          .resolve(AGENT_ARTIFACT + "-" + version + ".jar");
      return Files.isRegularFile(agent) ? agent : null;
    }
    return null;
  }

  /** The agent jar itself: not its sources, Javadoc or unshaded classes. */
  private static boolean isAgentJar(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(AGENT_ARTIFACT)
        && name.endsWith(".jar")
        && !name.endsWith("-sources.jar")
        && !name.endsWith("-javadoc.jar")
        && !name.endsWith("-classes.jar")
        && Files.isRegularFile(file);
  }

  private static ClassLoader loader() {
    ClassLoader own = AgentLocator.class.getClassLoader();
    return own != null ? own : ClassLoader.getSystemClassLoader();
  }
}
