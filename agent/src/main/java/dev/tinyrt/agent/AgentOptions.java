// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import java.nio.file.Path;

/**
 * The agent's options, from {@code -javaagent:tinyrt-agent.jar=trace,verbose,dump=DIR,explain,
 * allowBlocking=FILE}.
 *
 * @param trace print each state transition of rewritten frames
 * @param verbose log each method rewritten
 * @param dump write each rewritten class and frame class under this folder, or null
 * @param explain print each async method's states as its class loads (what {@code explain}
 *     prints)
 * @param allowBlocking a file of blocking calls, or callers, not to warn about; or null
 */
public record AgentOptions(
    boolean trace, boolean verbose, Path dump, boolean explain, Path allowBlocking) {

  /** No option set. */
  public static final AgentOptions NONE = new AgentOptions(false, false, null, false, null);

  /**
   * Options without the diagnostics ones.
   *
   * @param trace print each state transition of rewritten frames
   * @param verbose log each method rewritten
   * @param dump write each rewritten class and frame class under this folder, or null
   */
  public AgentOptions(boolean trace, boolean verbose, Path dump) {
    this(trace, verbose, dump, false, null);
  }

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
    boolean explain = false;
    Path allowBlocking = null;
    if (text != null && !text.isBlank()) {
      for (String option : text.split(",")) {
        String o = option.trim();
        if (o.equals("trace")) {
          trace = true;
        } else if (o.equals("verbose")) {
          verbose = true;
        } else if (o.startsWith("dump=") && o.length() > "dump=".length()) {
          dump = Path.of(o.substring("dump=".length()));
        } else if (o.equals("explain")) {
          explain = true;
        } else if (o.startsWith("allowBlocking=") && o.length() > "allowBlocking=".length()) {
          allowBlocking = Path.of(o.substring("allowBlocking=".length()));
        } else if (!o.isEmpty()) {
          throw new IllegalArgumentException(
              "unknown tinyrt agent option '" + o + "'; the options are trace, verbose, "
                  + "dump=DIR, explain and allowBlocking=FILE, separated by commas, as in "
                  + "-javaagent:tinyrt-agent.jar=trace");
        }
      }
    }
    return new AgentOptions(trace, verbose, dump, explain, allowBlocking);
  }
}
