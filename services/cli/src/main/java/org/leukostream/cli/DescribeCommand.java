package org.leukostream.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
final class DescribeCommand implements Callable<Integer> {
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
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("arch", summary.arch());
    result.put("preset", summary.preset());
    result.put("classes", summary.classes());
    result.put("inputSize", summary.inputSize());
    result.put("params", summary.params());
    result.put("gflops", Math.round(summary.gflops() * 1000) / 1000.0);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonLines.write(out, result);
    } else {
      out.printf(
          "%s (%s), %d classes, %dx%d input: %,d trainable parameters, %.3f GFLOPs (multiply-accumulates)%n",
          result.get("arch"),
          result.get("preset"),
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
