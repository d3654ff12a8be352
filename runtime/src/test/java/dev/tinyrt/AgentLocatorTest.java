// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent jar named in messages: where it really is when that can be found, never a path of ours. */
class AgentLocatorTest {

  @TempDir Path dir;

  /** A jar holding only the agent's self-attach class file (its bytes do not matter: unloaded). */
  private Path fakeAgentJar(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out)) {
      jar.putNextEntry(new JarEntry("dev/tinyrt/agent/SelfAttach.class"));
      jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
      jar.closeEntry();
    }
    return file;
  }

  private Path emptyFile(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[0]);
  }

  private static ClassLoader nothing() {
    return new URLClassLoader(new URL[0], null);
  }

  @Test
  void namesTheJarTheAgentClassesAreOnTheClassPathFrom() throws Exception {
    Path agent = fakeAgentJar(dir.resolve("somewhere else/my-agent.jar"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {agent.toUri().toURL()}, null)) {
      assertEquals(agent.toString(), AgentLocator.agentJar(loader, null));
    }
  }

  @Test
  void namesAnAgentJarInTheRuntimeJarsFolderButNotItsSourcesOrJavadoc() throws Exception {
    Path runtime = emptyFile(dir.resolve("lib/tinyrt-runtime-1.2.0.jar"));
    emptyFile(dir.resolve("lib/tinyrt-agent-1.2.0-javadoc.jar"));
    emptyFile(dir.resolve("lib/tinyrt-agent-1.2.0-sources.jar"));
    Path agent = emptyFile(dir.resolve("lib/tinyrt-agent-1.2.0.jar"));
    assertEquals(agent.toString(), AgentLocator.agentJar(nothing(), runtime.toUri().toURL()));
  }

  @Test
  void namesTheSameVersionsAgentJarInAMavenRepository() throws Exception {
    Path repo = dir.resolve("repository/dev/tinyrt");
    Path runtime = emptyFile(repo.resolve("tinyrt-runtime/1.2.0/tinyrt-runtime-1.2.0.jar"));
    emptyFile(repo.resolve("tinyrt-agent/1.1.0/tinyrt-agent-1.1.0.jar"));
    Path agent = emptyFile(repo.resolve("tinyrt-agent/1.2.0/tinyrt-agent-1.2.0.jar"));
    assertEquals(agent.toString(), AgentLocator.agentJar(nothing(), runtime.toUri().toURL()));
  }

  @Test
  void namesAGenericPathWhenNoAgentJarIsFound() throws Exception {
    Path runtime = emptyFile(dir.resolve("repository/dev/tinyrt/tinyrt-runtime/1.2.0/tinyrt-runtime-1.2.0.jar"));
    assertEquals(AgentLocator.SOME_AGENT_JAR, AgentLocator.agentJar(nothing(), runtime.toUri().toURL()));
    assertEquals(AgentLocator.SOME_AGENT_JAR, AgentLocator.agentJar(nothing(), dir.toUri().toURL()));
    assertEquals(AgentLocator.SOME_AGENT_JAR, AgentLocator.agentJar(nothing(), null));
  }

  @Test
  void theMessagesOfThisBuildNameNoPathOfTheRepository() {
    // The runtime's tests run from its classes folder, without the agent: the generic path.
    String named = AgentLocator.agentJar();
    assertFalse(named.contains("agent/target"), named);
    assertEquals(AgentLocator.SOME_AGENT_JAR, named);
  }
}
