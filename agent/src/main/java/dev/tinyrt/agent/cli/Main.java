// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar tinyrt-agent.jar COMMAND [ARGS]}, the jar's {@code Main-Class}: dispatches on
 * the first word to one of {@link #COMMANDS}, and prints the usage for no or an unknown command.
 */
public final class Main {

  /** Every command, in the order the usage lists them; a new command is one more entry. */
  static final List<Command> COMMANDS = List.of(
      new InstrumentCommand(),
      new ExplainCommand());

  /** The exit status of a command line that names no command, or an unknown one. */
  static final int USAGE_ERROR = 2;

  private Main() {}

  /**
   * Runs the command named by {@code args[0]} and exits with its status.
   *
   * @param args the command's word, then its arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command named by {@code args[0]}.
   *
   * @param args the command's word, then its arguments
   * @param out where results go
   * @param err where errors and the usage go
   * @return the exit status
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      usage(args.length == 0 ? err : out);
      return args.length == 0 ? USAGE_ERROR : 0;
    }
    for (Command command : COMMANDS) {
      if (command.name().equals(args[0])) {
        return command.run(Arrays.asList(args).subList(1, args.length), out, err);
      }
    }
    err.println("tinyrt: unknown command '" + args[0] + "'");
    usage(err);
    return USAGE_ERROR;
  }

  private static void usage(PrintStream to) {
    to.println("usage: java -jar tinyrt-agent.jar COMMAND [ARGS]");
    for (Command command : COMMANDS) {
      to.println("  " + command.name() + " " + command.usage());
    }
    to.println("As an agent: java -javaagent:tinyrt-agent.jar[=trace,verbose,dump=DIR] ...");
  }
}
