package org.leukostream.cli.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.leukostream.cli.JsonLines;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.training.bench.ClassifierBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream bench classifier}: cells/s of the stage-1 filter, ensemble B and ensemble A
 * per preset and batch size, with achieved GFLOP/s next to a matrix-multiply peak from the same
 * run.
 */
@Command(
    name = "classifier",
    mixinStandardHelpOptions = true,
    description =
        "Cells/s of each ensemble per preset and batch size, and the share of the matmul peak.")
public final class ClassifierBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--presets",
      split = ",",
      defaultValue = "small,paper",
      description = "Presets to measure (default small,paper).")
  List<String> presets;

  @Option(
      names = "--batches",
      split = ",",
      defaultValue = "1,8,32,64",
      description = "Batch sizes (default 1,8,32,64).")
  List<Integer> batches;

  @Option(
      names = "--stages",
      split = ",",
      defaultValue = "countable,wbc,blast",
      description =
          "Ensembles to measure (default countable,wbc,blast); add detector for the WBC detector"
              + " (fields/s of 640x480 fields).")
  List<String> stages;

  @Option(
      names = "--seconds",
      defaultValue = "3",
      description = "Timed seconds per point, at least two batches (default 3).")
  double seconds;

  @Option(
      names = "--through-kafka",
      description =
          "Instead: the classifier service's core with its default models, batch size and consumer"
              + " settings, fed from cell.crops.v1 on the embedded broker, against the same models"
              + " in process; prints where each cell's time goes.")
  boolean throughKafka;

  @Option(
      names = "--crops",
      defaultValue = "512",
      description = "With --through-kafka: crops timed (as many again warm up; default 512).")
  int crops;

  @Option(
      names = "--config",
      description =
          "With --through-kafka: a properties file over the classifier service's settings (other"
              + " models, leukostream.classifier.cascade=false).")
  Path config;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (throughKafka) {
      return throughKafka(out, err);
    }
    var benchmark =
        new ClassifierBenchmark(
            seconds,
            line -> {
              err.println("bench classifier: " + line);
              err.flush();
            });
    double peak = benchmark.matmulPeakGflops();
    err.printf("bench classifier: LibTorch fp32 matmul peak %.1f GFLOP/s%n", peak);
    if (json) {
      JsonLines.write(
          out,
          new PeakLine(
              "classifier-peak",
              JsonLines.round(peak),
              Runtime.getRuntime().availableProcessors()));
    }
    for (String preset : presets) {
      if (stages.contains("detector")) {
        print(out, benchmark.measureDetector(preset, batches, peak));
      }
      for (var ensemble : ClassifierBenchmark.PAPER_ENSEMBLES) {
        if (!stages.contains(ensemble.stage())) {
          continue;
        }
        print(out, benchmark.measure(ensemble, preset, batches, peak));
      }
    }
    return 0;
  }

  private Integer throughKafka(PrintWriter out, PrintWriter err) throws Exception {
    ServiceThroughKafka.Result r =
        new ServiceThroughKafka(
                crops,
                ServiceConfigs.overrides(config),
                line -> {
                  err.println("bench classifier: " + line);
                  err.flush();
                })
            .run();
    if (json) {
      JsonLines.write(out, r);
      return 0;
    }
    out.printf(
        "classifier service through Kafka: %.1f cells/s, in process %.1f cells/s (batch %d, %d"
            + " crops, cascade %s): %.2f of in-process%n",
        r.throughKafkaCellsPerSecond(),
        r.inProcessCellsPerSecond(),
        r.batch(),
        r.crops(),
        r.cascade() ? "on" : "off",
        r.ratio());
    out.println("  ms per cell through Kafka: " + r.throughKafkaMillisPerCell());
    out.println("  of which each stage (DJL):  " + r.stageMillisPerCell());
    out.println("  resize and tensors in it:   " + r.preprocessMillisPerCell());
    out.flush();
    return 0;
  }

  /** {@code --json}: LibTorch's fp32 matmul peak in this run. */
  record PeakLine(String bench, double matmulGflops, int cores) {}

  /**
   * {@code --json}: one stage at one batch size; the detector's rates are per field, the classifier
   * stages' per cell (the other pair is left out).
   */
  record StageLine(
      String bench,
      String stage,
      String preset,
      int batch,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double cellsPerSecond,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double fieldsPerSecond,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double gflopsPerCell,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double gflopsPerField,
      double achievedGflops,
      double peakRatio,
      String device) {}

  private void print(PrintWriter out, List<ClassifierBenchmark.Result> results) {
    for (ClassifierBenchmark.Result r : results) {
      boolean detector = r.stage().equals("detector");
      if (json) {
        Double perSecond = JsonLines.round(r.cellsPerSecond());
        Double gflops = JsonLines.round(r.gflopsPerCell());
        JsonLines.write(
            out,
            new StageLine(
                "classifier",
                r.stage(),
                r.preset(),
                r.batch(),
                detector ? null : perSecond,
                detector ? perSecond : null,
                detector ? null : gflops,
                detector ? gflops : null,
                JsonLines.round(r.achievedGflops()),
                JsonLines.round(r.peakRatio()),
                "cpu"));
      } else {
        out.printf(
            "%-9s %-6s batch %3d  %9.1f %s/s  %7.1f GFLOP/s  %.2f of peak%n",
            r.stage(),
            r.preset(),
            r.batch(),
            r.cellsPerSecond(),
            detector ? "fields" : "cells",
            r.achievedGflops(),
            r.peakRatio());
        out.flush();
      }
    }
  }
}
