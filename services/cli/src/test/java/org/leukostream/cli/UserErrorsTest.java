package org.leukostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A user's mistake is one line and exit 2; a fault keeps its stack trace and exits 1. */
class UserErrorsTest {
  @TempDir Path dir;

  @Test
  void aMissingDataFolderIsOneLineAndExitTwoWithoutAStackTrace() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path missing = dir.resolve("no-such-set");

    int exit =
        Cli.run(
            out,
            err,
            "train",
            "--task",
            "blast",
            "--data",
            missing.toString(),
            "--out",
            dir.resolve("m").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("leukostream train: Cannot read data set " + missing)
        .contains("no such file or folder")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  @Test
  void tellsTheUsersMistakesFromFaults() {
    assertThat(UserErrors.userError(new IllegalArgumentException("unknown class EOS")))
        .isEqualTo("unknown class EOS");
    assertThat(UserErrors.userError(new NoSuchFileException("/data/x.png")))
        .isEqualTo("no such file or folder: /data/x.png");
    assertThat(
            UserErrors.userError(
                new UncheckedIOException(new NoSuchFileException("/data/split.tsv"))))
        .isEqualTo("no such file or folder: /data/split.tsv");
    assertThat(UserErrors.userError(new IllegalStateException("broker gone"))).isNull();
    assertThat(UserErrors.userError(new UncheckedIOException(new java.io.IOException("disk full"))))
        .isNull();
  }

  @Test
  void aFaultPrintsItsStackTraceAndExitsOne() {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new Failing());
    command.setErr(new PrintWriter(err, true));
    command.setExecutionExceptionHandler(new UserErrors(false));

    assertThat(command.execute()).isEqualTo(1);
    assertThat(err.toString())
        .contains("failing: failed: java.lang.IllegalStateException: a bug")
        .contains("\tat ");
  }

  @CommandLine.Command(name = "failing")
  static final class Failing implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("a bug");
    }
  }
}
