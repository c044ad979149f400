package org.leukostream.cli.validate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.leukostream.aggregator.decision.CallRates;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.Diagnosis;
import org.leukostream.cli.JsonLines;
import org.leukostream.cli.pipeline.CohortValidation;
import org.leukostream.cli.pipeline.Finals;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.cli.pipeline.RealCellOptions;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.cli.pipeline.VirtualPatients;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.cli.scan.PatientKeys;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.training.data.RealCells;
import org.leukostream.training.eval.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream validate}: virtual patients made of a class-folder set's real cells (as {@code
 * demo --data} makes them), several cohorts, through the whole pipeline with the configured models;
 * per case the drawn, raw and adjusted blast percentages and the decision, then accuracy,
 * sensitivity, specificity and the mean absolute errors, and a picture of measured against drawn.
 * With {@code --fit-rates} it also fits the pipeline's call rates to these cases and prints them as
 * the aggregator's properties, for use on other cases.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the whole pipeline on virtual patients of real cells: per case drawn, raw and"
          + " adjusted blast %%, decision; accuracy, sensitivity, specificity, mean absolute error;"
          + " a PNG of measured vs drawn blast %%.",
      "Exit code 0 when it ran (the figures are the result), 1 when cases did not finish."
    })
public final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RealCellOptions realCells;

  @Option(names = "--cases", defaultValue = "8", description = "Virtual patients per seed.")
  int cases;

  @Option(
      names = "--seeds",
      split = ",",
      defaultValue = "11,12,13",
      description = "One cohort per seed (default 11,12,13).")
  List<Long> seeds;

  @Option(
      names = "--blast-percents",
      split = ",",
      description =
          "Draw the cases at these blast percentages in turn, e.g. 10,15,20,25,30 for cases near"
              + " the threshold (default: alternately 50, 35, 65 and 5, 0, 10: clearly on either"
              + " side of it).")
  List<Double> blastPercents;

  @Option(
      names = "--config",
      description =
          "Properties over the services' own (models, leukostream.aggregator.rule.rates.* ...).")
  Path config;

  @Option(
      names = "--fit-rates",
      description =
          "Fit the pipeline's call rates to these cases (raw against drawn) and print them as"
              + " leukostream.aggregator.rule.rates.* properties.")
  boolean fitRates;

  @Option(names = "--out", description = "Directory for cases.tsv and measured-vs-drawn.png.")
  Path out;

  @Option(names = "--timeout", defaultValue = "PT20M", description = "Wait for FINALs this long.")
  Duration timeout;

  @Option(names = "--json", description = "One JSON object per case and one for the summary.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (realCells.data == null) {
      throw new ParameterException(spec.commandLine(), "validate needs --data");
    }
    List<Double> fractions = VirtualPatients.CLEAR_OF_THE_THRESHOLD;
    if (blastPercents != null) {
      if (blastPercents.stream().anyMatch(p -> !(p >= 0 && p <= 100))) {
        throw new ParameterException(
            spec.commandLine(), "--blast-percents must lie between 0 and 100: " + blastPercents);
      }
      fractions = blastPercents.stream().map(p -> p / 100).toList();
    }
    Properties overrides = ServiceConfigs.overrides(config);
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties(overrides);
    RealCells cells = realCells.load(overrides);
    err.printf("validate: real cells from %s: %s%n", realCells.data, cells);
    List<VirtualPatients.Patient> cohort = new ArrayList<>();
    for (long seed : seeds) {
      cohort.addAll(
          VirtualPatients.drawCohort(
              VirtualPatients.cohort("val-" + seed, cases, fractions),
              seed * 1000,
              settings.rule(),
              Optional.of(cells)));
    }
    PatientKeys keys = VirtualPatients.keys();
    Map<String, VirtualPatients.Patient> byCase = new LinkedHashMap<>();
    cohort.forEach(p -> byCase.put(p.caseId(), p));
    Path claims = Files.createTempDirectory("leukostream-validate-claims-");
    Map<String, Diagnosis> finals;
    try (EmbeddedStack stack = EmbeddedStack.start();
        Pipeline pipeline =
            Pipeline.start(stack.clientConfig(), overrides, Optional.of(claims), settings)) {
      err.printf("validate: models %s%n", String.join(", ", pipeline.models()));
      try (CaseSender sender = CaseSender.withClaimDirectory(stack.clientConfig(), claims)) {
        for (VirtualPatients.Patient p : cohort) {
          sender.send(p.toCase(keys, "validate"), n -> {});
        }
      }
      err.printf("validate: sent %d virtual patients%n", cohort.size());
      int[] done = {0};
      finals =
          Finals.await(
              stack.clientConfig(),
              new LinkedHashSet<>(byCase.keySet()),
              timeout,
              pipeline::checkHealthy,
              d -> err.printf("validate: FINAL %d of %d%n", ++done[0], cohort.size()));
    } finally {
      Pipeline.deleteRecursively(claims);
    }
    double threshold = settings.rule().thresholdPercent();
    List<CohortValidation.Case> results = new ArrayList<>();
    for (Diagnosis d : finals.values()) {
      VirtualPatients.Patient p = byCase.get(d.getCaseId());
      results.add(
          new CohortValidation.Case(
              d.getCaseId(),
              p.drawnBlastPercent(),
              p.blasts(),
              p.countable(),
              p.expected(),
              d.getDecision(),
              d.getBlastPercent(),
              d.getAdjustedBlastPercent(),
              d.getBorderline()));
    }
    results.forEach(c -> print(stdout, c, finals.get(c.caseId()), threshold));
    CohortValidation.Summary summary = CohortValidation.summarise(results, threshold);
    summary(stdout, summary);
    if (out != null) {
      write(out, results, threshold);
      err.printf("validate: wrote %s%n", out.resolve("measured-vs-drawn.png"));
    }
    if (fitRates) {
      String measuredOn =
          String.format(
              Locale.ROOT,
              "%d virtual patients of %s, seeds %s",
              results.size(),
              realCells.data.getFileName(),
              seeds);
      try {
        printRates(stdout, CohortValidation.fitRates(results, measuredOn));
      } catch (IllegalArgumentException e) {
        err.println("validate: no call rates fit these cases: " + e.getMessage());
        return 1;
      }
    }
    stdout.flush();
    return finals.size() == cohort.size() ? 0 : 1;
  }

  /** The fitted rates as a JSON object, or as the aggregator's properties to copy. */
  private void printRates(PrintWriter stdout, CallRates rates) {
    if (json) {
      JsonLines.write(
          stdout,
          "rates",
          new CallRates(
              JsonLines.round(rates.truePositiveRate()),
              JsonLines.round(rates.falsePositiveRate()),
              rates.blasts(),
              rates.nonBlasts(),
              rates.measuredOn()));
    } else {
      String prefix = AggregatorSettings.PREFIX + "rule.rates.";
      stdout.printf(Locale.ROOT, "%strue-positive-rate=%.4f%n", prefix, rates.truePositiveRate());
      stdout.printf(Locale.ROOT, "%sfalse-positive-rate=%.4f%n", prefix, rates.falsePositiveRate());
      stdout.printf("%sblasts=%d%n", prefix, rates.blasts());
      stdout.printf("%snon-blasts=%d%n", prefix, rates.nonBlasts());
      stdout.printf("%smeasured-on=%s%n", prefix, rates.measuredOn());
    }
  }

  /**
   * {@code --json}: one validated case.
   *
   * @param right the truth's decision, or BORDERLINE with the truth within 5 points of the
   *     threshold
   */
  record CaseLine(
      String caseId,
      double drawnBlastPercent,
      double blastPercent,
      Double adjustedBlastPercent,
      Double adjustedLow,
      Double adjustedHigh,
      String decision,
      boolean borderline,
      String expectedDecision,
      boolean right,
      int cellsCounted) {}

  private void print(PrintWriter stdout, CohortValidation.Case c, Diagnosis d, double threshold) {
    if (json) {
      JsonLines.write(
          stdout,
          "case",
          new CaseLine(
              c.caseId(),
              JsonLines.round(c.drawnPercent()),
              JsonLines.round(c.rawPercent()),
              JsonLines.roundOrNull(c.adjustedPercent()),
              JsonLines.roundOrNull(d.getAdjustedBlastPercentLower95()),
              JsonLines.roundOrNull(d.getAdjustedBlastPercentUpper95()),
              c.decision().toString(),
              c.borderline(),
              c.expected().toString(),
              c.right(threshold),
              d.getCellsCounted()));
    } else {
      stdout.printf(
          Locale.ROOT,
          "%-12s drawn %5.1f%%  raw %5.1f%%  adjusted %s  %-9s%s expected %-8s %s%n",
          c.caseId(),
          c.drawnPercent(),
          c.rawPercent(),
          c.adjustedPercent() == null
              ? "   -  "
              : String.format(
                  Locale.ROOT,
                  "%5.1f%% (%.1f-%.1f)",
                  c.adjustedPercent(),
                  d.getAdjustedBlastPercentLower95(),
                  d.getAdjustedBlastPercentUpper95()),
          c.decision(),
          c.borderline() ? " BORDERLINE" : "",
          c.expected(),
          c.right(threshold) ? "right" : "WRONG");
    }
  }

  private void summary(PrintWriter stdout, CohortValidation.Summary s) {
    if (json) {
      JsonLines.write(
          stdout,
          "summary",
          new CohortValidation.Summary(
              s.cases(),
              s.right(),
              JsonLines.round(s.accuracy()),
              JsonLines.round(s.sensitivity()),
              JsonLines.round(s.specificity()),
              s.borderline(),
              s.wrongUnflagged(),
              JsonLines.round(s.rawMeanAbsoluteError()),
              JsonLines.roundOrNull(s.adjustedMeanAbsoluteError())));
    } else {
      stdout.printf(
          Locale.ROOT,
          "%d cases: %d right (accuracy %.3f), sensitivity %.3f, specificity %.3f, %d borderline,"
              + " %d wrong without BORDERLINE; mean |raw - drawn| %.1f points, mean |adjusted -"
              + " drawn| %s%n",
          s.cases(),
          s.right(),
          s.accuracy(),
          s.sensitivity(),
          s.specificity(),
          s.borderline(),
          s.wrongUnflagged(),
          s.rawMeanAbsoluteError(),
          s.adjustedMeanAbsoluteError() == null
              ? "- (no call rates configured)"
              : String.format(Locale.ROOT, "%.1f points", s.adjustedMeanAbsoluteError()));
    }
  }

  /** cases.tsv and the picture of measured (raw, adjusted) against drawn blast percentages. */
  static void write(Path dir, List<CohortValidation.Case> cases, double threshold)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder tsv =
        new StringBuilder(
            "case\tdrawn %\traw %\tadjusted %\tdecision\tborderline\texpected\tright\n");
    for (CohortValidation.Case c : cases) {
      tsv.append(
          String.format(
              Locale.ROOT,
              "%s\t%.2f\t%.2f\t%s\t%s\t%b\t%s\t%b%n",
              c.caseId(),
              c.drawnPercent(),
              c.rawPercent(),
              c.adjustedPercent() == null
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", c.adjustedPercent()),
              c.decision(),
              c.borderline(),
              c.expected(),
              c.right(threshold)));
    }
    Files.writeString(dir.resolve("cases.tsv"), tsv);
    double[] drawn = cases.stream().mapToDouble(CohortValidation.Case::drawnPercent).toArray();
    List<Plots.Series> series = new ArrayList<>();
    series.add(
        new Plots.Series(
            "raw (called blasts)",
            drawn,
            cases.stream().mapToDouble(CohortValidation.Case::rawPercent).toArray(),
            true));
    if (cases.stream().allMatch(c -> c.adjustedPercent() != null)) {
      series.add(
          new Plots.Series(
              "adjusted",
              drawn,
              cases.stream().mapToDouble(CohortValidation.Case::adjustedPercent).toArray(),
              true));
    }
    series.add(new Plots.Series("identity", new double[] {0, 100}, new double[] {0, 100}));
    series.add(
        new Plots.Series(
            "threshold " + threshold + "%",
            new double[] {0, 100},
            new double[] {threshold, threshold}));
    series.add(new Plots.Series("", new double[] {threshold, threshold}, new double[] {0, 100}));
    Plots.square(
        "Measured vs drawn blast % (" + cases.size() + " virtual patients)",
        "drawn blast %",
        "measured blast %",
        series,
        100,
        dir.resolve("measured-vs-drawn.png"));
  }
}
