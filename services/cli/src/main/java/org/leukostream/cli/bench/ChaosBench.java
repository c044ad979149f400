package org.leukostream.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.cli.JsonLines;
import org.leukostream.cli.pipeline.Finals;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.cli.pipeline.VirtualPatients;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.cli.scan.PatientKeys;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream bench chaos}: the same cohort through the whole pipeline twice, once
 * undisturbed and once under a seeded schedule of faults (the broker restarted, stages killed and
 * started again, Streams stages on an empty state directory, the schema registry answering 503 for
 * 20 s); a stage that stops on its own is restarted, as Kubernetes would. Prints the faults, and
 * per run the FINALs, the cells lost and the cells counted twice; the FINALs under faults must
 * equal the undisturbed ones.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Run a cohort of virtual patients through the pipeline undisturbed, then again under a "
          + "seeded schedule of broker restarts and stage kills (stages that stop on their own are "
          + "restarted, as Kubernetes would); compare the FINALs, count cells lost and counted "
          + "twice.",
      "Exit code 1 when a FINAL differs from the undisturbed run, a cell is lost or counted twice, "
          + "or a record is dead-lettered."
    })
public final class ChaosBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--cases", defaultValue = "6", description = "Cases (default 6).")
  int cases;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the cohort and faults.")
  long seed;

  @Option(names = "--faults", defaultValue = "6", description = "Faults to inject (default 6).")
  int faults;

  @Option(
      names = "--rate",
      defaultValue = "12",
      description = "Cases sent per minute (default 12), so faults meet cases in flight.")
  double rate;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  /** One fault: when (seconds after the first case is sent) and what. */
  record Fault(double atSeconds, String kind) {}

  /** What one run ended with. */
  private record Run(
      Map<String, Diagnosis> finals, int extraFinals, long lost, long doubled, long deadLetters) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
    List<VirtualPatients.Patient> cohort =
        VirtualPatients.drawCohort("chaos", cases, seed, settings.rule());
    double feedSeconds = 60.0 * cases / rate;
    List<Fault> schedule = schedule(new Random(seed), faults, feedSeconds + 20);
    err.printf("bench chaos: %d cases, %d faults %s%n", cases, schedule.size(), schedule);

    long begin = System.nanoTime();
    Run calm = run(cohort, settings, List.of(), err);
    double calmSeconds = (System.nanoTime() - begin) / 1e9;
    begin = System.nanoTime();
    Run chaos = run(cohort, settings, schedule, err);
    double chaosSeconds = (System.nanoTime() - begin) / 1e9;

    int equal = 0;
    for (VirtualPatients.Patient p : cohort) {
      Diagnosis a = calm.finals().get(p.caseId());
      Diagnosis b = chaos.finals().get(p.caseId());
      boolean same = a != null && b != null && sameCounts(a, b);
      equal += same ? 1 : 0;
      if (!same) {
        err.printf("bench chaos: %s differs: %s vs %s%n", p.caseId(), summary(a), summary(b));
      }
    }
    long cells = calm.finals().values().stream().mapToLong(Diagnosis::getCellsDetected).sum();
    Result r =
        new Result(
            cases,
            cells,
            schedule.size(),
            schedule.stream().map(f -> f.kind() + "@" + Math.round(f.atSeconds()) + "s").toList(),
            equal,
            chaos.lost(),
            chaos.doubled(),
            chaos.extraFinals(),
            chaos.deadLetters(),
            calm.lost() + calm.doubled() + calm.extraFinals() + calm.deadLetters(),
            JsonLines.round(calmSeconds),
            JsonLines.round(chaosSeconds),
            seed);
    if (json) {
      JsonLines.write(out, r);
    } else {
      JsonLines.table(out, r);
    }
    boolean clean =
        equal == cases
            && chaos.lost() == 0
            && chaos.doubled() == 0
            && chaos.extraFinals() == 0
            && chaos.deadLetters() == 0;
    return clean ? 0 : 1;
  }

  /**
   * One run's figures.
   *
   * @param finalsEqual cases whose FINAL under faults has the undisturbed run's decision and counts
   * @param cellsLost detected cells that no FINAL counted, under faults
   * @param doubleCounts labels a FINAL counted beyond the distinct cells labelled, under faults
   * @param extraFinals FINALs beyond one per case, under faults
   * @param deadLetters records on any dead-letter topic under faults (a fault is never the
   *     records')
   * @param undisturbedFaults lost + double + extra + dead letters in the undisturbed run (0 too)
   */
  record Result(
      int cases,
      long cells,
      int faultsInjected,
      List<String> faults,
      int finalsEqual,
      long cellsLost,
      long doubleCounts,
      int extraFinals,
      long deadLetters,
      long undisturbedFaults,
      double undisturbedSeconds,
      double chaosSeconds,
      long seed) {}

  /** Faults spread over the window, each a broker restart or a stage killed and restarted. */
  static List<Fault> schedule(Random random, int count, double windowSeconds) {
    String[] kinds = {
      "broker",
      "detector",
      "classifier",
      "aggregator",
      "aggregator-new-node",
      "ehr-bridge",
      "registry"
    };
    List<Fault> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double at = windowSeconds * (i + random.nextDouble()) / count;
      out.add(new Fault(Math.round(at * 10) / 10.0, kinds[random.nextInt(kinds.length)]));
    }
    return out;
  }

  private Run run(
      List<VirtualPatients.Patient> cohort,
      AggregatorSettings settings,
      List<Fault> schedule,
      PrintWriter err)
      throws Exception {
    String label = schedule.isEmpty() ? "undisturbed" : "under faults";
    PatientKeys keys = VirtualPatients.keys();
    Path claims = Files.createTempDirectory("leukostream-chaos-claims-");
    try (EmbeddedStack stack = EmbeddedStack.start();
        Pipeline pipeline =
            Pipeline.start(stack.clientConfig(), new Properties(), Optional.of(claims), settings);
        CaseSender sender = CaseSender.withClaimDirectory(stack.clientConfig(), claims)) {
      long begin = System.nanoTime();
      Thread feeder =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < cohort.size(); i++) {
                    sleepUntil(begin + (long) (i * 60e9 / rate));
                    sender.send(cohort.get(i).toCase(keys, "chaos"), n -> {});
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "chaos-feeder");
      Thread injector =
          new Thread(
              () -> {
                try {
                  for (Fault fault : schedule) {
                    sleepUntil(begin + (long) (fault.atSeconds() * 1e9));
                    err.printf(
                        "bench chaos: %.1f s %s%n", (System.nanoTime() - begin) / 1e9, fault);
                    inject(fault, stack, pipeline);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "chaos-injector");
      feeder.start();
      injector.start();
      Set<String> ids = new LinkedHashSet<>(cohort.stream().map(p -> p.caseId()).toList());
      Map<String, Diagnosis> finals =
          Finals.await(
              stack.clientConfig(),
              ids,
              Duration.ofMinutes(30),
              () -> {
                try {
                  pipeline.recover().forEach(s -> err.printf("bench chaos: %s restarted%n", s));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              d -> err.printf("bench chaos (%s): %s %s%n", label, d.getCaseId(), d.getDecision()));
      feeder.join();
      injector.join();
      Thread.sleep(3000); // a second FINAL, were there one, would be written by now
      return tally(stack, ids, finals);
    } finally {
      Pipeline.deleteRecursively(claims);
    }
  }

  private static void inject(Fault fault, EmbeddedStack stack, Pipeline pipeline)
      throws InterruptedException {
    switch (fault.kind()) {
      case "broker" -> stack.broker().restart(Duration.ofSeconds(3));
      case "detector" -> pipeline.restart(Pipeline.Stage.DETECTOR, false);
      case "classifier" -> pipeline.restart(Pipeline.Stage.CLASSIFIER, false);
      case "aggregator" -> pipeline.restart(Pipeline.Stage.AGGREGATOR, false);
      case "aggregator-new-node" -> pipeline.restart(Pipeline.Stage.AGGREGATOR, true);
      case "ehr-bridge" -> pipeline.restart(Pipeline.Stage.EHR_BRIDGE, true);
      case "registry" -> stack.registry().unavailableFor(Duration.ofSeconds(20));
      default -> throw new IllegalArgumentException(fault.kind());
    }
  }

  /** Cells lost and counted twice, and FINALs beyond one a case, from what is on the topics. */
  private static Run tally(EmbeddedStack stack, Set<String> ids, Map<String, Diagnosis> finals) {
    Map<String, Integer> finalCount = new HashMap<>();
    for (var r : stack.readAll(Topics.DIAGNOSES)) {
      Diagnosis d = r.value();
      if (ids.contains(d.getCaseId()) && d.getStatus() == DiagnosisStatus.FINAL) {
        finalCount.merge(d.getCaseId(), 1, Integer::sum);
      }
    }
    Map<String, Set<String>> labelled = new HashMap<>();
    for (var r : stack.readAll(Topics.CELL_LABELS)) {
      CellLabel l = r.value();
      labelled.computeIfAbsent(l.getCaseId(), k -> new HashSet<>()).add(l.getCellId());
    }
    long lost = 0;
    long doubled = 0;
    for (Diagnosis d : finals.values()) {
      lost += Math.max(0, d.getCellsDetected() - d.getCellsLabelled());
      int distinct = labelled.getOrDefault(d.getCaseId(), Set.of()).size();
      doubled += Math.max(0, d.getCellsLabelled() - distinct);
    }
    int extra = finalCount.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
    long deadLetters = 0;
    for (var topic :
        List.of(
            Topics.SLIDE_FIELDS_DLQ,
            Topics.CELL_CROPS_DLQ,
            Topics.AGGREGATOR_DLQ,
            Topics.FHIR_REPORTS_DLQ)) {
      deadLetters += stack.readAll(topic).size();
    }
    return new Run(finals, extra, lost, doubled, deadLetters);
  }

  private static boolean sameCounts(Diagnosis a, Diagnosis b) {
    return a.getDecision() == b.getDecision()
        && a.getCellsDetected() == b.getCellsDetected()
        && a.getCellsLabelled() == b.getCellsLabelled()
        && a.getCellsCounted() == b.getCellsCounted()
        && a.getLymphoblasts() == b.getLymphoblasts()
        && a.getFieldsRejected() == b.getFieldsRejected();
  }

  private static String summary(Diagnosis d) {
    return d == null
        ? "no FINAL"
        : d.getDecision()
            + " "
            + d.getLymphoblasts()
            + "/"
            + d.getCellsCounted()
            + " of "
            + d.getCellsLabelled()
            + "/"
            + d.getCellsDetected();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
