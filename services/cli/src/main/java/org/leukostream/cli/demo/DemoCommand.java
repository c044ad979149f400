package org.leukostream.cli.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.SpecimenType;
import org.leukostream.cli.JsonLines;
import org.leukostream.cli.pipeline.Finals;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.cli.pipeline.RealCellOptions;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.cli.pipeline.VirtualPatients;
import org.leukostream.cli.review.ReviewPage;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.cli.scan.FieldImage;
import org.leukostream.cli.scan.PatientKeys;
import org.leukostream.cli.tracing.CliTracing;
import org.leukostream.cli.tracing.Timeline;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.embedded.DevelopmentIssuer;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.training.data.RealCells;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream demo}: the whole system in this process - embedded broker and registry,
 * detector, classifier, aggregator and EHR bridge with the shipped default models and the services'
 * own settings - fed a seeded cohort of virtual patients (and optionally a case of real field
 * images); prints each FINAL diagnosis next to the cohort's ground truth, then the FHIR report the
 * bridge made of it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run broker, registry, detector, classifier, aggregator and EHR bridge in this process with "
          + "the shipped default models, send a cohort of virtual patients (half of them over the "
          + "ALL threshold), print each FINAL diagnosis, its FHIR report and a summary against the "
          + "ground truth.",
      "Exit code 0 when every virtual patient's decision matches its ground truth and every case "
          + "has a FHIR report of that decision, 1 otherwise."
    })
public final class DemoCommand implements Callable<Integer> {
  /** The demo's own pseudonymisation secret: virtual patients only, never a site's secret. */
  @Spec CommandSpec spec;

  @Option(names = "--cases", defaultValue = "6", description = "Virtual patients (default 6).")
  int cases;

  @Option(names = "--seed", defaultValue = "2026", description = "Seed of the cohort's images.")
  long seed;

  @Option(
      names = "--images",
      description = "A folder of real field images, sent as one more case (no ground truth).")
  Path images;

  @Option(
      names = "--um-per-pixel",
      description =
          "The pixel size of the --images fields in micrometres: the detector brings them to the"
              + " scale it was trained at (without it they are detected at its default scale).")
  Double micrometresPerPixel;

  @Mixin RealCellOptions realCells;

  @Option(
      names = "--specimen",
      defaultValue = "bone-marrow",
      description = "Specimen of the --images case: bone-marrow or peripheral-blood.")
  String specimen;

  @Option(
      names = "--config",
      description =
          "Properties over the detector's, classifier's and aggregator's own (other models: "
              + "leukostream.detector.model, leukostream.classifier.wbc.members[0].model, ...; "
              + "call rates: leukostream.aggregator.rule.rates.*).")
  Path config;

  @Option(
      names = "--timeout",
      defaultValue = "PT10M",
      description = "Longest wait for the FINALs (ISO-8601, default PT10M).")
  Duration timeout;

  @Option(
      names = "--reports",
      description = "A folder to write each case's FHIR report into (<case id>.json, a Bundle).")
  Path reports;

  @Option(
      names = "--json",
      description = "One JSON object per FINAL and per FHIR report, then a summary.")
  boolean json;

  @Option(
      names = "--trace",
      description =
          "After the cohort, print the timeline of the first case's trace: each stage's span (scan,"
              + " detector field, classifier batch, aggregator FINAL), its start and duration.")
  boolean trace;

  @Option(
      names = "--otlp-endpoint",
      description =
          "Export every span over OTLP/HTTP to this traces endpoint (e.g."
              + " http://localhost:4318/v1/traces); default: none.")
  String otlpEndpoint;

  /** The review page's address and development tokens, as a JSON line. */
  record ReviewPageLine(String url, String reviewerToken, String viewerToken) {}

  /** The audience the review service accepts tokens for (its application.properties). */
  private static final String REVIEW_AUDIENCE = "leukostream-review";

  @Option(
      names = "--review",
      description =
          "After the cohort, keep the stack running and start the review page (services/review) on"
              + " it: prints its URL; the page's sign-off goes to this process's bridge. Runs until"
              + " Ctrl-C (or --review-seconds).")
  boolean review;

  @Option(
      names = "--review-seconds",
      defaultValue = "0",
      description = "With --review: stop after this many seconds (default 0: until Ctrl-C).")
  long reviewSeconds;

  @Override
  public Integer call() throws Exception {
    try (CliTracing tracing = CliTracing.of(Optional.ofNullable(otlpEndpoint), trace)) {
      return run(tracing);
    }
  }

  private void serveReviewPage(
      EmbeddedStack stack, Pipeline pipeline, Path work, PrintWriter err, PrintWriter out)
      throws Exception {
    err.printf("demo: starting the review page (services/review) ...%n");
    // OIDC on, as deployed, with an issuer of this process: its tokens are printed below.
    DevelopmentIssuer issuer = new DevelopmentIssuer();
    try (ReviewPage page =
        ReviewPage.start(
            pipeline,
            stack.bootstrapServers(),
            stack.registryUrl(),
            work.resolve("review"),
            ReviewPage.oidcTrusting(issuer))) {
      Thread hook = new Thread(page::close, "review-page-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      String reviewer = issuer.token("dev-reviewer", REVIEW_AUDIENCE, "reviewer");
      String viewer = issuer.token("dev-viewer", REVIEW_AUDIENCE, "viewer");
      if (json) {
        JsonLines.write(
            out, "review-page", new ReviewPageLine(page.url().toString(), reviewer, viewer));
      } else {
        out.printf(
            "review page: %s%n"
                + "  as a reviewer (dev-reviewer): %s#token=%s%n"
                + "  as a viewer (dev-viewer):     %s#token=%s%n"
                + "  (development tokens of an issuer that lives as long as this process, valid one"
                + " hour; the page keeps the token for its tab and sends it as a bearer token)%n",
            page.url(), page.url(), reviewer, page.url(), viewer);
      }
      out.flush();
      if (reviewSeconds > 0) {
        Thread.sleep(reviewSeconds * 1000);
      } else {
        Thread.currentThread().join(); // until Ctrl-C
      }
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }

  private Integer run(CliTracing tracing) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long begin = System.nanoTime();
    java.util.Properties overrides = ServiceConfigs.overrides(config);
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties(overrides);
    PatientKeys keys = VirtualPatients.keys();
    List<FieldImage> real =
        images == null
            ? List.of()
            : FieldImage.readAll(FieldImage.expand(List.of(images)), 1L << 27);
    Optional<RealCells> cells = Optional.empty();
    if (realCells.data != null) {
      cells = Optional.of(realCells.load(overrides));
      err.printf("demo: real cells from %s: %s%n", realCells.data, cells.get());
    }
    err.printf(
        "demo: drawing %d virtual patients of %s cells ...%n",
        cases, cells.isPresent() ? "real" : "synthetic");
    List<VirtualPatients.Patient> cohort =
        VirtualPatients.drawCohort("demo", cases, seed, settings.rule(), cells);
    Path claims = Files.createTempDirectory("leukostream-demo-claims-");
    try (EmbeddedStack stack = EmbeddedStack.start()) {
      err.printf("demo: broker and registry up in %d ms%n", stack.startupTime().toMillis());
      err.printf("demo: loading the detector and the classifier's default models ...%n");
      try (Pipeline pipeline =
          Pipeline.start(
              stack.clientConfig(), overrides, Optional.of(claims), settings, tracing.tracer())) {
        err.printf("demo: models %s%n", String.join(", ", pipeline.models()));
        Map<String, Decision> expected = new LinkedHashMap<>();
        Map<String, Double> drawn = new LinkedHashMap<>();
        try (CaseSender sender =
            CaseSender.withClaimDirectory(stack.clientConfig(), claims)
                .tracedBy(tracing.tracer())) {
          for (VirtualPatients.Patient p : cohort) {
            sender.send(p.toCase(keys, "demo"), n -> {});
            expected.put(p.caseId(), p.expected());
            drawn.put(p.caseId(), p.drawnBlastPercent());
            err.printf(
                "demo: sent %s: %d fields, %d countable cells drawn, %d lymphoblasts (%.0f%%)%n",
                p.caseId(), p.fields().size(), p.countable(), p.blasts(), p.drawnBlastPercent());
          }
          if (!real.isEmpty()) {
            SpecimenType type =
                specimen.toLowerCase(Locale.ROOT).equals("peripheral-blood")
                    ? SpecimenType.PERIPHERAL_BLOOD
                    : SpecimenType.BONE_MARROW;
            sender.send(
                new CaseSender.Case(
                    "demo-images", keys.of("demo-images"), type, "demo", real, micrometresPerPixel),
                n -> {});
            expected.put("demo-images", null);
            err.printf("demo: sent demo-images: %d fields from %s%n", real.size(), images);
          }
        }
        Set<String> ids = new LinkedHashSet<>(expected.keySet());
        int[] matching = {0};
        Map<String, Diagnosis> finals =
            Finals.await(
                stack.clientConfig(),
                ids,
                timeout,
                pipeline::checkHealthy,
                d -> {
                  Decision want = expected.get(d.getCaseId());
                  matching[0] += want != null && want == d.getDecision() ? 1 : 0;
                  print(out, d, want, drawn.get(d.getCaseId()));
                });
        int[] agreeing = {0};
        Map<String, FhirReport> fhir =
            Finals.reports(
                stack.clientConfig(),
                ids,
                timeout,
                pipeline::checkHealthy,
                r -> {
                  agreeing[0] += r.getDecision() == finals.get(r.getCaseId()).getDecision() ? 1 : 0;
                  report(out, r);
                });
        double seconds = (System.nanoTime() - begin) / 1e9;
        Pipeline.StageTimes times = pipeline.times();
        long withTruth = expected.values().stream().filter(v -> v != null).count();
        summary(out, finals.size(), withTruth, matching[0], fhir.size(), seconds, times);
        if (trace && !expected.isEmpty()) {
          String first = expected.keySet().iterator().next();
          printTrace(json ? err : out, first, tracing.spans());
        }
        if (review) {
          serveReviewPage(stack, pipeline, claims, err, out);
        }
        if (agreeing[0] != finals.size()) {
          err.printf(
              "demo: only %d of %d FHIR reports carry their case's FINAL decision%n",
              agreeing[0], finals.size());
          return 1;
        }
        return matching[0] == withTruth ? 0 : 1;
      }
    } finally {
      Pipeline.deleteRecursively(claims);
    }
  }

  /** {@code --trace}: the timeline of {@code caseId}'s trace, from the spans recorded. */
  static void printTrace(PrintWriter out, String caseId, List<SpanData> spans) {
    String traceId =
        spans.stream()
            .filter(
                s ->
                    s.getName().equals("scan case")
                        && caseId.equals(
                            s.getAttributes().get(AttributeKey.stringKey("leukostream.case_id"))))
            .map(SpanData::getTraceId)
            .findFirst()
            .orElse("");
    Timeline.print(out, caseId, Timeline.of(traceId, spans));
  }

  /**
   * {@code --json}: a FINAL diagnosis next to its virtual patient's ground truth.
   *
   * @param expectedDecision the ground truth's decision, null for a case without one
   * @param drawnBlastPercent the blast percentage of the cells drawn, null without ground truth
   * @param adjustedBlastPercent the estimate corrected by the call rates, null without them
   */
  public record FinalLine(
      String caseId,
      String status,
      String decision,
      String expectedDecision,
      Double drawnBlastPercent,
      double blastPercent,
      Double adjustedBlastPercent,
      Double adjustedLow,
      Double adjustedHigh,
      boolean decidedOnAdjusted,
      int cellsCounted,
      int lymphoblasts,
      boolean borderline,
      int cellsDetected,
      int fieldsSeen,
      int fieldsRejected,
      String patientKey) {

    public static FinalLine of(Diagnosis d, Decision want, Double drawnPercent) {
      return new FinalLine(
          d.getCaseId(),
          d.getStatus().toString(),
          d.getDecision().toString(),
          want == null ? null : want.toString(),
          JsonLines.roundOrNull(drawnPercent),
          JsonLines.round(d.getBlastPercent()),
          JsonLines.roundOrNull(d.getAdjustedBlastPercent()),
          JsonLines.roundOrNull(d.getAdjustedBlastPercentLower95()),
          JsonLines.roundOrNull(d.getAdjustedBlastPercentUpper95()),
          d.getDecidedOnAdjusted(),
          d.getCellsCounted(),
          d.getLymphoblasts(),
          d.getBorderline(),
          d.getCellsDetected(),
          d.getFieldsSeen(),
          d.getFieldsRejected(),
          d.getPatientKey());
    }
  }

  /**
   * {@code --json}: a FHIR report the bridge published.
   *
   * @param resources the Bundle's resources, counted by type
   * @param file where {@code --reports} wrote the Bundle, or null
   */
  record ReportLine(
      String caseId,
      String reportStatus,
      int revision,
      String decision,
      Map<String, Long> resources,
      int bundleBytes,
      String file) {}

  /** {@code --json}: the run's totals. */
  record SummaryLine(
      int finals,
      long withGroundTruth,
      int matching,
      int fhirReports,
      double wallSeconds,
      long fields,
      long cells,
      double detectorSeconds,
      double classifierSeconds) {}

  /**
   * @param want the virtual patient's ground truth, null for a case without one
   * @param drawnPercent the blast percentage of the cells drawn, null without ground truth
   */
  private void print(PrintWriter out, Diagnosis d, Decision want, Double drawnPercent) {
    if (json) {
      JsonLines.write(out, "final", FinalLine.of(d, want, drawnPercent));
    } else {
      out.printf(
          "%-12s %-18s blasts %5.1f%%%s of %3d counted cells%-13s expected %-18s (drawn %s) %s%n",
          d.getCaseId(),
          d.getDecision(),
          d.getBlastPercent(),
          d.getAdjustedBlastPercent() == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  " (adjusted %.1f%%, %.1f-%.1f)",
                  d.getAdjustedBlastPercent(),
                  d.getAdjustedBlastPercentLower95(),
                  d.getAdjustedBlastPercentUpper95()),
          d.getCellsCounted(),
          d.getBorderline() ? " (borderline)" : "",
          want == null ? "-" : want,
          drawnPercent == null ? "-" : String.format(Locale.ROOT, "%.1f%%", drawnPercent),
          want == null ? "" : want == d.getDecision() ? "match" : "MISMATCH");
      out.flush();
    }
  }

  /** One line per report (or a JSON object); with {@code --reports} its Bundle into a file. */
  private void report(PrintWriter out, FhirReport r) {
    Bundle bundle = ReportBuilder.fhir().newJsonParser().parseResource(Bundle.class, r.getBundle());
    Map<String, Long> resources = new TreeMap<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      resources.merge(entry.getResource().fhirType(), 1L, Long::sum);
    }
    Path file = null;
    if (reports != null) {
      try {
        Files.createDirectories(reports);
        file = reports.resolve(r.getCaseId() + ".json");
        Files.writeString(file, r.getBundle());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the report of " + r.getCaseId(), e);
      }
    }
    if (json) {
      JsonLines.write(
          out,
          "report",
          new ReportLine(
              r.getCaseId(),
              r.getReportStatus().toString(),
              r.getRevision(),
              r.getDecision().toString(),
              resources,
              r.getBundle().getBytes(StandardCharsets.UTF_8).length,
              file == null ? null : file.toString()));
    } else {
      out.printf(
          "%-12s FHIR report rev %d %s: %s, Bundle of %s%s%n",
          r.getCaseId(),
          r.getRevision(),
          r.getReportStatus(),
          r.getDecision(),
          resources.entrySet().stream()
              .map(e -> e.getValue() + " " + e.getKey())
              .collect(Collectors.joining(", ")),
          file == null ? "" : " -> " + file);
      out.flush();
    }
  }

  private void summary(
      PrintWriter out,
      int finals,
      long withTruth,
      int matching,
      int fhirReports,
      double seconds,
      Pipeline.StageTimes times) {
    if (json) {
      JsonLines.write(
          out,
          "summary",
          new SummaryLine(
              finals,
              withTruth,
              matching,
              fhirReports,
              JsonLines.round(seconds),
              times.fields(),
              times.crops(),
              JsonLines.round(times.detectorSeconds()),
              JsonLines.round(times.classifierSeconds())));
    } else {
      out.printf(
          "%d FINAL diagnoses, %d of %d virtual patients match their ground truth, %d FHIR"
              + " reports; %d fields, %d cells, %.1f s in all (detector %.1f s, classifier %.1f"
              + " s)%n",
          finals,
          matching,
          withTruth,
          fhirReports,
          times.fields(),
          times.crops(),
          seconds,
          times.detectorSeconds(),
          times.classifierSeconds());
    }
  }
}
