package org.leukostream.cli;

import org.leukostream.cli.bench.BenchCommand;
import org.leukostream.cli.demo.DemoCommand;
import org.leukostream.cli.describe.DescribeCommand;
import org.leukostream.cli.dlq.DlqCommand;
import org.leukostream.cli.evaluate.EvaluateCommand;
import org.leukostream.cli.frame.FrameCommand;
import org.leukostream.cli.scan.ScanCommand;
import org.leukostream.cli.stack.StackCommand;
import org.leukostream.cli.train.ImportModelCommand;
import org.leukostream.cli.train.TrainCommand;
import org.leukostream.cli.validate.ValidateCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The root command: only lists its subcommands. */
@Command(
    name = "leukostream",
    mixinStandardHelpOptions = true,
    versionProvider = LeukostreamCommand.Version.class,
    description = {
      "Event-driven acute lymphoblastic leukemia (ALL) screening from smear images on Apache Kafka.",
      "Machine-readable output: add --json to a command (one JSON object per line)."
    },
    subcommands = {
      StackCommand.class,
      DescribeCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      ImportModelCommand.class,
      EvaluateCommand.class,
      ScanCommand.class,
      DemoCommand.class,
      ValidateCommand.class,
      FrameCommand.class,
      DlqCommand.class,
      picocli.CommandLine.HelpCommand.class
    })
public final class LeukostreamCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version written into the jar's manifest by the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LeukostreamCommand.class.getPackage().getImplementationVersion();
      return new String[] {"leukostream " + (version == null ? "(development build)" : version)};
    }
  }
}
