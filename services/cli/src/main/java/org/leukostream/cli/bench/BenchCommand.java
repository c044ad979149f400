package org.leukostream.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code leukostream bench ...}: throughput and latency figures, one subcommand per part. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure throughput and latency on this machine.",
    subcommands = {
      AggregatorBench.class,
      ClassifierBench.class,
      PipelineBench.class,
      ChaosBench.class
    })
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
