// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.transform;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tinyrt.agent.AgentOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Truncated, bit-flipped and random class files never make the transformer throw or hang; what
 * cannot be parsed comes back unchanged (null), left to the JVM's own error.
 */
@Timeout(120)
class MalformedClassFileTest {

  final AsyncTransformer transformer = new AsyncTransformer(AgentOptions.NONE);
  final ClassLoader loader = getClass().getClassLoader();

  /** The agent logs each broken class once; thousands of them would bury the build's output. */
  static final Logger agentLog = Logger.getLogger("dev.tinyrt.agent");

  @BeforeEach
  void quiet() {
    agentLog.setLevel(Level.OFF);
  }

  @AfterEach
  void loud() {
    agentLog.setLevel(null);
  }

  static byte[] original() throws IOException {
    try (InputStream in = MalformedClassFileTest.class.getResourceAsStream(
        "/dev/tinyrt/agent/it/ControlFlowIT.class")) {
      return in.readAllBytes();
    }
  }

  byte[] transform(byte[] bytes) {
    return transformer.transform(loader, "p/Broken", null, null, bytes);
  }

  @Test
  void truncatedClassFilesAreLeftAlone() throws IOException {
    byte[] good = original();
    for (int length = 0; length < good.length; length += 7) {
      assertNull(transform(Arrays.copyOf(good, length)), "truncated at " + length);
    }
  }

  @Test
  void bitFlipsAndNoiseNeverThrow() throws IOException {
    byte[] good = original();
    Random random = new Random(7);
    for (int i = 0; i < 1_500; i++) {
      byte[] bad = good.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
      }
      transform(bad); // may rewrite a still-parseable class; must not throw
      byte[] noise = new byte[random.nextInt(400)];
      random.nextBytes(noise);
      assertNull(transform(noise));
    }
  }
}
