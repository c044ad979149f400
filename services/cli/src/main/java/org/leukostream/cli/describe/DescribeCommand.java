package org.leukostream.cli.describe;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.leukostream.cli.JsonLines;
import org.leukostream.models.arch.Architecture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code leukostream describe}: an architecture's exact parameter count and compute per image. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description =
        "Exact trainable parameter count and GFLOPs (multiply-accumulates) of an architecture.")
public final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--arch",
      required = true,
      description =
          "resnet50, resnext50_32x4d, resnext101_32x8d, efficientnet_b0, vit or"
              + " retinanet_resnet50_fpn.")
  String arch;

  @Option(
      names = "--preset",
      defaultValue = "paper",
      description = "paper (default), small, or vit-b16 for vit.")
  String preset;

  @Option(
      names = "--classes",
      defaultValue = "1000",
      description = "Classes of the head (default 1000).")
  int classes;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    Architecture architecture =
        Architecture.find(arch, preset)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "Unknown architecture/preset "
                            + arch
                            + "/"
                            + preset
                            + "; known: "
                            + Architecture.ALL.stream()
                                .map(a -> a.name() + "/" + a.preset())
                                .collect(Collectors.joining(", "))));
    Architecture.Summary summary = architecture.summarize(classes);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonLines.write(
          out,
          new Architecture.Summary(
              summary.arch(),
              summary.preset(),
              summary.classes(),
              summary.inputSize(),
              summary.params(),
              JsonLines.round(summary.gflops())));
    } else {
      out.printf(
          "%s (%s), %d classes, %dx%d input: %,d trainable parameters, %.3f GFLOPs (multiply-accumulates)%n",
          summary.arch(),
          summary.preset(),
          classes,
          architecture.inputSize(),
          architecture.inputSize(),
          summary.params(),
          summary.gflops());
      out.flush();
    }
    return 0;
  }
}
