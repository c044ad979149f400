package org.leukostream.cli.scan;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.leukostream.avro.SpecimenType;
import org.leukostream.cli.ClusterOptions;
import org.leukostream.cli.JsonLines;
import org.leukostream.cli.tracing.CliTracing;
import org.leukostream.images.ClaimCheckStore;
import org.leukostream.images.S3Settings;
import org.leukostream.training.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream scan}: pushes one case from image files or folders, as a scanner pipeline
 * does. Every image is read and decoded before anything is sent; the patient identifier becomes its
 * HMAC-SHA256 key with the secret in {@value PatientKeys#SECRET_VARIABLE}.
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
      "Push one case: an OPENED event, one slide.fields.v1 record per field image (inline up to "
          + "--inline-limit, otherwise stored under --claim-check), and a CLOSED event with the "
          + "field count. Prints the case id.",
      "The patient identifier never leaves this command: it is sent as HMAC-SHA256(secret, id), the "
          + "secret read from "
          + PatientKeys.SECRET_VARIABLE
          + "."
    })
public final class ScanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(names = "--case", description = "Case id (default: a new random one).")
  String caseId;

  @Option(
      names = "--patient",
      description =
          "Patient identifier (sent keyed). Visible to other users in the process list and kept in"
              + " shell history: prefer --patient-file or --patient-stdin.")
  String patient;

  @Option(
      names = "--patient-file",
      description = "Read the patient identifier from the first line of FILE (e.g. mode 600).")
  Path patientFile;

  @Option(
      names = "--patient-stdin",
      description = "Read the patient identifier from the first line of standard input.")
  boolean patientStdin;

  @Option(
      names = "--specimen",
      defaultValue = "bone-marrow",
      description = "bone-marrow (default) or peripheral-blood.")
  String specimen;

  @Option(
      names = "--um-per-pixel",
      description =
          "The scanner's pixel size in micrometres (e.g. 0.1 at 100x): the detector brings each"
              + " field to the scale it was trained at. Without it fields are detected at the"
              + " detector's default scale and their results say so.")
  Double micrometresPerPixel;

  @Option(
      names = "--order",
      paramLabel = "ACCESSION",
      description =
          "The laboratory order (accession) number the case answers: carried to the diagnosis and"
              + " the FHIR report (DiagnosticReport.basedOn its ServiceRequest). 1-64 letters,"
              + " digits and . _ : / -.")
  String accession;

  @Option(names = "--scanner-id", defaultValue = "leukostream-scan", description = "Scanner id.")
  String scannerId;

  @Option(
      names = "--inline-limit",
      defaultValue = "" + CaseSender.DEFAULT_INLINE_LIMIT,
      description = "Largest image sent inline, bytes (default 1 MiB).")
  int inlineLimit;

  @Option(
      names = "--claim-check",
      description = "Where larger images go: file:///dir or s3://bucket/prefix.")
  URI claimCheck;

  @Option(names = "--s3-endpoint", description = "S3-compatible endpoint (MinIO); path style.")
  URI s3Endpoint;

  @Option(names = "--s3-region", defaultValue = "us-east-1", description = "S3 region.")
  String s3Region;

  @Option(
      names = "--max-pixels",
      defaultValue = "36000000",
      description =
          "Largest field accepted, width x height (the detector's default limit: a bigger field"
              + " would be rejected there).")
  long maxPixels;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(
      names = "--otlp-endpoint",
      description =
          "Export the case's first spans (the scan and one per field: where its trace begins) over"
              + " OTLP/HTTP to this traces endpoint, e.g. http://collector:4318/v1/traces. Without"
              + " it the records still carry a trace context, which the services continue.")
  String otlpEndpoint;

  @Parameters(arity = "1..*", paramLabel = "IMAGES", description = "Image files or folders.")
  List<Path> images;

  /** The environment the secret is read from (tests replace it). */
  Map<String, String> environment = System.getenv();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PatientKeys keys;
    try {
      keys = PatientKeys.fromEnvironment(environment);
    } catch (IllegalStateException | IllegalArgumentException e) {
      err.println("scan: " + e.getMessage());
      return 2;
    }
    SpecimenType specimenType =
        switch (specimen.toLowerCase(Locale.ROOT)) {
          case "bone-marrow" -> SpecimenType.BONE_MARROW;
          case "peripheral-blood" -> SpecimenType.PERIPHERAL_BLOOD;
          default -> {
            err.println("scan: --specimen is bone-marrow or peripheral-blood, not " + specimen);
            yield null;
          }
        };
    if (specimenType == null) {
      return 2;
    }
    List<FieldImage> fields;
    try {
      fields = FieldImage.readAll(FieldImage.expand(images), maxPixels);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      err.println("scan: " + e.getMessage());
      return 1;
    }
    String id = caseId != null ? caseId : "case-" + UUID.randomUUID();
    String identifier;
    try {
      identifier = patientIdentifier(err);
    } catch (IOException e) {
      err.println("scan: cannot read the patient identifier: " + e.getMessage());
      return 2;
    }
    String patientKey = keys.of(identifier);
    CaseSender.Case c;
    try {
      c =
          new CaseSender.Case(
              id, patientKey, specimenType, scannerId, fields, micrometresPerPixel, accession);
    } catch (IllegalArgumentException e) { // the pixel size or the order number
      err.println("scan: " + e.getMessage());
      return 2;
    }
    Optional<ClaimCheckStore> store =
        Optional.ofNullable(claimCheck).map(uri -> ClaimCheckStore.at(uri, s3Settings()));
    CaseSender.Sent sent;
    try (CliTracing tracing =
            otlpEndpoint == null
                ? CliTracing.contextOnly()
                : CliTracing.of(Optional.of(otlpEndpoint), false);
        CaseSender sender =
            new CaseSender(cluster.clientConfig(), inlineLimit, store).tracedBy(tracing.tracer())) {
      sent =
          sender.send(
              c,
              n ->
                  Progress.line(
                      err,
                      "sent " + n + "/" + fields.size() + " fields of " + id,
                      n == fields.size()));
    } catch (IllegalArgumentException e) {
      Progress.end(err);
      err.println("scan: " + e.getMessage());
      return 1;
    }
    Progress.end(err);
    if (json) {
      JsonLines.write(
          out,
          "sent",
          new CaseSent(
              sent.caseId(),
              c.patientKey(),
              sent.fields(),
              sent.inline(),
              sent.claimChecks(),
              sent.bytes()));
    } else {
      out.println(sent.caseId());
    }
    return 0;
  }

  /**
   * The identifier from exactly one of {@code --patient}, {@code --patient-file}, {@code
   * --patient-stdin}; a warning when it came on the command line, where others can read it.
   */
  private String patientIdentifier(PrintWriter err) throws IOException {
    int given = (patient != null ? 1 : 0) + (patientFile != null ? 1 : 0) + (patientStdin ? 1 : 0);
    if (given != 1) {
      throw new ParameterException(
          spec.commandLine(),
          "Give the patient once: --patient-file, --patient-stdin or --patient");
    }
    String id;
    if (patient != null) {
      err.println(
          "scan: warning: --patient puts the identifier in the process list and shell history;"
              + " use --patient-file or --patient-stdin");
      id = patient;
    } else if (patientFile != null) {
      id = Files.readAllLines(patientFile).stream().findFirst().orElse("");
    } else {
      id =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
    }
    if (id == null || id.isBlank()) {
      throw new ParameterException(spec.commandLine(), "The patient identifier is empty");
    }
    return id.strip();
  }

  /**
   * {@code --json}: the case is on the topics.
   *
   * @param inline fields sent in the record
   * @param claimChecks fields sent through the claim-check store
   * @param bytes image bytes sent
   */
  record CaseSent(
      String caseId, String patientKey, int fields, int inline, int claimChecks, long bytes) {}

  private S3Settings s3Settings() {
    return new S3Settings(
        Optional.ofNullable(s3Endpoint),
        s3Region,
        Optional.empty(),
        Optional.empty(),
        s3Endpoint != null,
        Duration.ofSeconds(30));
  }
}
