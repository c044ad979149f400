package org.leukostream.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.Diagnosis;
import org.leukostream.cli.JsonLines;
import org.leukostream.cli.pipeline.Finals;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.cli.pipeline.RealCellOptions;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.cli.pipeline.VirtualPatients;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.cli.scan.PatientKeys;
import org.leukostream.cli.tracing.CliTracing;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topics;
import org.leukostream.training.data.RealCells;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream bench pipeline}: the whole pipeline in this process (default models and the
 * services' settings, or a model set's {@code --config}) fed virtual patients at a steady rate, of
 * synthetic cells or of real ones ({@code --data}); cases per hour, cells per second, the latency
 * from a case's last field sent to its FINAL, and where the time goes.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Push a cohort of virtual patients at a steady rate through detector, classifier and "
          + "aggregator (shipped default models, or those --config names; CPU) on the embedded "
          + "broker; report cases/hour, cells/s, latency from the last field sent to the FINAL "
          + "(p50, p95, max) and the time each stage spent.",
      "Exit code 1 when a FINAL of synthetic cells does not match the cohort's ground truth; of "
          + "real cells (--data) the matching count is reported, not enforced (validate measures "
          + "decisions)."
    })
public final class PipelineBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--cases", defaultValue = "12", description = "Cases (default 12).")
  int cases;

  @Option(
      names = "--rate",
      defaultValue = "60",
      description = "Cases sent per minute (default 60: one a second).")
  double rate;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of the cohort.")
  long seed;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Mixin RealCellOptions realCells;

  @Option(
      names = "--config",
      description =
          "Properties over the services' own (a model set, e.g."
              + " services/aggregator/rates/marrow-b-models-matek-native.properties).")
  Path config;

  @Option(
      names = "--tracing",
      description =
          "Record every stage's spans (kept in memory, as an exporter would take them): the"
              + " overhead of tracing against a run without.")
  boolean tracing;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Properties overrides = ServiceConfigs.overrides(config);
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties(overrides);
    PatientKeys keys = VirtualPatients.keys();
    Optional<RealCells> real =
        realCells.data == null ? Optional.empty() : Optional.of(realCells.load(overrides));
    real.ifPresent(c -> err.printf("bench pipeline: real cells from %s: %s%n", realCells.data, c));
    err.printf("bench pipeline: drawing %d virtual patients ...%n", cases);
    List<VirtualPatients.Patient> cohort =
        VirtualPatients.drawCohort("bench", cases, seed, settings.rule(), real);
    Path claims = Files.createTempDirectory("leukostream-bench-claims-");
    try (CliTracing traces = CliTracing.of(Optional.empty(), tracing);
        EmbeddedStack stack = EmbeddedStack.start();
        Pipeline pipeline =
            Pipeline.start(
                stack.clientConfig(), overrides, Optional.of(claims), settings, traces.tracer());
        CaseSender sender =
            CaseSender.withClaimDirectory(stack.clientConfig(), claims).tracedBy(traces.tracer())) {
      err.printf("bench pipeline: models %s%n", String.join(", ", pipeline.models()));
      Map<String, Long> sent = new ConcurrentHashMap<>();
      Map<String, Long> finalAt = new ConcurrentHashMap<>();
      long period = (long) (60e9 / rate);
      long begin = System.nanoTime();
      Thread feeder =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < cohort.size(); i++) {
                    long due = begin + i * period;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    VirtualPatients.Patient p = cohort.get(i);
                    sender.send(p.toCase(keys, "bench"), n -> {});
                    sent.put(p.caseId(), System.nanoTime());
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "bench-feeder");
      feeder.start();
      int[] matching = {0};
      Map<String, Diagnosis> finals =
          Finals.await(
              stack.clientConfig(),
              new LinkedHashSet<>(cohort.stream().map(VirtualPatients.Patient::caseId).toList()),
              Duration.ofMinutes(30),
              pipeline::checkHealthy,
              d -> {
                finalAt.put(d.getCaseId(), System.nanoTime());
                VirtualPatients.Patient p =
                    cohort.stream().filter(c -> c.caseId().equals(d.getCaseId())).findFirst().get();
                matching[0] += p.expected() == d.getDecision() ? 1 : 0;
                err.printf(
                    "bench pipeline: %s %s (expected %s)%n",
                    d.getCaseId(), d.getDecision(), p.expected());
              });
      feeder.join();
      double wall = (System.nanoTime() - begin) / 1e9;
      double[] latency =
          cohort.stream()
              .mapToDouble(p -> (finalAt.get(p.caseId()) - sent.get(p.caseId())) / 1e9)
              .sorted()
              .toArray();
      long cells = finals.values().stream().mapToLong(Diagnosis::getCellsDetected).sum();
      long fields = cohort.stream().mapToLong(p -> p.fields().size()).sum();
      double[] aggregatorLag = aggregatorLag(stack, finals);
      Pipeline.StageTimes times = pipeline.times();
      Result r =
          new Result(
              cases,
              fields,
              cells,
              rate,
              JsonLines.round(wall),
              JsonLines.round(cases / wall * 3600),
              JsonLines.round(fields / wall),
              JsonLines.round(cells / wall),
              JsonLines.round(percentile(latency, 50)),
              JsonLines.round(percentile(latency, 95)),
              JsonLines.round(latency[latency.length - 1]),
              JsonLines.round(times.detectorSeconds()),
              JsonLines.round(1000 * times.detectorSeconds() / fields),
              JsonLines.round(times.classifierSeconds()),
              JsonLines.round(1000 * times.classifierSeconds() / Math.max(1, times.crops())),
              JsonLines.round(percentile(aggregatorLag, 50)),
              JsonLines.round(aggregatorLag[aggregatorLag.length - 1]),
              matching[0],
              real.isPresent() ? realCells.data.toString() : "synthetic",
              pipeline.models(),
              Runtime.getRuntime().availableProcessors(),
              tracing,
              traces.spans().size());
      if (json) {
        JsonLines.write(out, r);
      } else {
        JsonLines.table(out, r);
      }
      return matching[0] == cases || real.isPresent() ? 0 : 1;
    } finally {
      Pipeline.deleteRecursively(claims);
    }
  }

  /**
   * One run's figures.
   *
   * @param ratePerMinute cases offered per minute
   * @param aggregatorLagP50Seconds from a case's last label written to its FINAL decided
   * @param matching FINALs whose decision is the drawn truth's
   * @param cellSource where the cells came from: {@code --data}, or synthetic
   * @param models the detector's and every classifier member's name:version
   * @param tracing whether every stage's spans were recorded ({@code --tracing})
   */
  record Result(
      int cases,
      long fields,
      long cells,
      double ratePerMinute,
      double wallSeconds,
      double casesPerHour,
      double fieldsPerSecond,
      double cellsPerSecond,
      double latencyP50Seconds,
      double latencyP95Seconds,
      double latencyMaxSeconds,
      double detectorBusySeconds,
      double detectorMillisPerField,
      double classifierBusySeconds,
      double classifierMillisPerCell,
      double aggregatorLagP50Seconds,
      double aggregatorLagMaxSeconds,
      int matching,
      String cellSource,
      List<String> models,
      int processors,
      boolean tracing,
      int spansRecorded) {}

  /**
   * Per case, the aggregator's share: from its last label written to its FINAL decided (both
   * stamped by this process's clock).
   */
  private static double[] aggregatorLag(EmbeddedStack stack, Map<String, Diagnosis> finals) {
    Map<String, Long> lastLabel = new LinkedHashMap<>();
    for (var r : stack.readAll(Topics.CELL_LABELS)) {
      CellLabel l = r.value();
      lastLabel.merge(l.getCaseId(), l.getLabelledAt().toEpochMilli(), Math::max);
    }
    return finals.values().stream()
        .filter(d -> lastLabel.containsKey(d.getCaseId()))
        .mapToDouble(d -> (d.getDecidedAt().toEpochMilli() - lastLabel.get(d.getCaseId())) / 1000.0)
        .sorted()
        .toArray();
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
