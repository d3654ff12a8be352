// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import java.nio.file.Path;

/**
 * The agent's options, from {@code -javaagent:tinyrt-agent.jar=trace,verbose,dump=DIR}.
 *
 * @param trace print each state transition of rewritten frames
 * @param verbose log each method rewritten
 * @param dump write each rewritten class and frame class under this folder, or null
 */
public record AgentOptions(boolean trace, boolean verbose, Path dump) {

  /** No option set. */
  public static final AgentOptions NONE = new AgentOptions(false, false, null);

  /**
   * Parses the agent's argument string.
   *
   * @param text comma-separated options, or null
   * @return the options
   * @throws IllegalArgumentException for an unknown option, naming the known ones
   */
  public static AgentOptions parse(String text) {
    boolean trace = false;
    boolean verbose = false;
    Path dump = null;
    if (text != null && !text.isBlank()) {
      for (String option : text.split(",")) {
        String o = option.trim();
        if (o.equals("trace")) {
          trace = true;
        } else if (o.equals("verbose")) {
          verbose = true;
        } else if (o.startsWith("dump=") && o.length() > "dump=".length()) {
          dump = Path.of(o.substring("dump=".length()));
        } else if (!o.isEmpty()) {
          throw new IllegalArgumentException(
              "unknown tinyrt agent option '" + o + "'; the options are trace, verbose and "
                  + "dump=DIR, separated by commas, as in -javaagent:tinyrt-agent.jar=trace");
        }
      }
    }
    return new AgentOptions(trace, verbose, dump);
  }
}
