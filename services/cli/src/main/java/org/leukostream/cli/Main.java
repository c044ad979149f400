package org.leukostream.cli;

import picocli.CommandLine;

/** Entry point of the {@code leukostream} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command tree, also used by tests to run commands in-process; a user's error ends a command
   * with one line and exit 2 ({@link UserErrors}).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new LeukostreamCommand())
        .setExecutionExceptionHandler(new UserErrors(System.getenv(UserErrors.DEBUG) != null));
  }
}
