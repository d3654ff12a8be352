// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.analysis;

/**
 * A method that cannot be made into a correct state machine. The message is the one the user sees,
 * at class load in the log and when the method is called: it names the class, method and
 * {@code File.java:line}, and says what to do.
 */
public final class RewriteRefusedException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the refusal.
   *
   * @param message the full user-facing message
   */
  public RewriteRefusedException(String message) {
    super(message);
  }
}
