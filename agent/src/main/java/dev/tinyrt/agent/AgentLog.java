// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's one error sink: {@link System.Logger} named {@code dev.tinyrt.agent}. A message is
 * logged once, however many times (or class loaders) produce it.
 */
public final class AgentLog {

  /** The logger. */
  private static final System.Logger LOGGER = System.getLogger("dev.tinyrt.agent");

  /** The messages already logged. */
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  private AgentLog() {}

  /**
   * Logs {@code message} at {@code level} unless it was logged before.
   *
   * @param level the level
   * @param message the message
   */
  public static void once(Level level, String message) {
    if (SEEN.add(message)) {
      LOGGER.log(level, message);
    }
  }
}
