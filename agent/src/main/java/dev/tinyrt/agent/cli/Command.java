// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import java.io.PrintStream;
import java.util.List;

/** One command of {@code java -jar tinyrt-agent.jar COMMAND ...}, chosen by its first word. */
interface Command {

  /** @return the word that selects it, e.g. {@code instrument} */
  String name();

  /** @return its arguments and what it does, in one line of the usage text */
  String usage();

  /**
   * Runs it.
   *
   * @param args the arguments after the command's word
   * @param out where results go
   * @param err where errors go
   * @return the process exit status: 0 on success, 2 for a usage error
   */
  int run(List<String> args, PrintStream out, PrintStream err);
}
