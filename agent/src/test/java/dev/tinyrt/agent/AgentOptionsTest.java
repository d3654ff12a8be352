// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

  @Test
  void noOptions() {
    assertEquals(AgentOptions.NONE, AgentOptions.parse(null));
    assertEquals(AgentOptions.NONE, AgentOptions.parse(""));
  }

  @Test
  void allOptions() {
    assertEquals(
        new AgentOptions(true, true, Path.of("/tmp/out")),
        AgentOptions.parse("trace, verbose,dump=/tmp/out"));
  }

  @Test
  void diagnosticsOptions() {
    assertEquals(
        new AgentOptions(false, false, null, true, Path.of("allowed.txt")),
        AgentOptions.parse("explain,allowBlocking=allowed.txt"));
  }

  @Test
  void anUnknownOptionNamesTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("trace,fast"));
    assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
    assertTrue(e.getMessage().contains("trace, verbose, dump=DIR, explain and allowBlocking=FILE"), e.getMessage());
  }
}
