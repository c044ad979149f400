package org.leukostream.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code leukostream} command in the test's JVM, its output into writers. */
public final class Cli {
  private Cli() {}

  public static int run(StringWriter out, StringWriter err, String... args) {
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
