// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent jar's command line, {@code java -jar tinyrt-agent.jar COMMAND ...}: a dispatch table by
 * the first word.
 */
public final class Main {

  /** A command: runs with the words after its name, returns the process's exit status. */
  interface Command {
    int run(String[] args, PrintStream out, PrintStream err);
  }

  /** The commands by name. */
  private static final Map<String, Command> COMMANDS = new TreeMap<>(Map.of(
      "explain", ExplainCommand::run));

  private Main() {}

  /**
   * Runs the command named by {@code args[0]} and exits with its status.
   *
   * @param args the command's name, then its arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command named by {@code args[0]}.
   *
   * @return the exit status: 0 on success, 2 for a usage error
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Command command = args.length == 0 ? null : COMMANDS.get(args[0]);
    if (command == null) {
      err.println("usage: java -jar tinyrt-agent.jar COMMAND ..., where COMMAND is one of "
          + String.join(", ", COMMANDS.keySet())
          + (args.length == 0 ? "" : " (not '" + args[0] + "')"));
      err.println(ExplainCommand.USAGE);
      return 2;
    }
    return command.run(Arrays.copyOfRange(args, 1, args.length), out, err);
  }
}
