package org.leukostream.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.SpanContext;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.ClaimCheck;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.images.FileClaimChecks;
import org.leukostream.images.ImageRefs;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.tracing.TraceHeaders;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.testkit.EmbeddedStackExtension;
import picocli.CommandLine;

/** {@code leukostream scan} against a real broker and registry. */
@ExtendWith(EmbeddedStackExtension.class)
class ScanCommandIT {
  static final String SECRET = "scan-test secret, 32 bytes long.";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  int scan(
      EmbeddedStack stack,
      StringWriter out,
      StringWriter err,
      Map<String, String> env,
      String... args) {
    ScanCommand command = new ScanCommand();
    command.environment = env;
    CommandLine cli = new CommandLine(command);
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    String[] common = {"--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl()};
    String[] all = Arrays.copyOf(common, common.length + args.length);
    System.arraycopy(args, 0, all, common.length, args.length);
    return cli.execute(all);
  }

  @Test
  void sendsACaseInlineAndByClaimCheckKeyedPseudonymously(EmbeddedStack stack) throws Exception {
    Path fields = Files.createDirectories(dir.resolve("fields"));
    SmearGenerator generator = new SmearGenerator(3);
    byte[] png =
        generator.field(List.of(CellType.LYMPHOCYTE), SmearGenerator.Options.DEFAULT).encode("png");
    byte[] jpeg =
        generator
            .field(List.of(CellType.LYMPHOBLAST), SmearGenerator.Options.DEFAULT)
            .encode("jpg");
    Files.write(fields.resolve("a.png"), png);
    Files.write(fields.resolve("b.jpg"), jpeg);
    Files.writeString(fields.resolve("notes.txt"), "not an image, not a field");
    Path store = dir.resolve("claims");
    int limit = Math.max(png.length, jpeg.length) - 1; // the larger one goes by claim check
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        scan(
            stack,
            out,
            err,
            Map.of(PatientKeys.SECRET_VARIABLE, SECRET),
            "--case",
            "scan-it-1",
            "--patient-file",
            Files.writeString(dir.resolve("patient.txt"), "MRN-12345\n").toString(),
            "--specimen",
            "peripheral-blood",
            "--inline-limit",
            "" + limit,
            "--claim-check",
            store.toUri().toString(),
            "--um-per-pixel",
            "0.12",
            "--order",
            "ACC-2026-0042",
            "--json",
            fields.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).doesNotContain("warning").doesNotContain("MRN-12345");
    assertThat(out.toString()).doesNotContain("MRN-12345");
    JsonNode sent = JSON.readTree(out.toString().lines().findFirst().orElseThrow());
    String key = new PatientKeys(SECRET).of("MRN-12345");
    assertThat(sent.path("caseId").asText()).isEqualTo("scan-it-1");
    assertThat(sent.path("patientKey").asText()).isEqualTo(key);
    assertThat(sent.path("fields").asInt()).isEqualTo(2);
    assertThat(sent.path("claimChecks").asInt()).isEqualTo(1);

    // scan starts the case's trace (without --otlp-endpoint nothing is exported, but the
    // context is real): the events carry the case's span, each field a child span of one trace.
    var fieldContexts =
        stack.readAll(Topics.SLIDE_FIELDS).stream()
            .filter(r -> r.key().equals("scan-it-1"))
            .map(r -> TraceHeaders.spanContext(r.headers()))
            .toList();
    var eventContexts =
        stack.readAll(Topics.CASE_EVENTS).stream()
            .filter(r -> r.key().equals("scan-it-1"))
            .map(r -> TraceHeaders.spanContext(r.headers()))
            .toList();
    assertThat(fieldContexts).hasSize(2).allMatch(SpanContext::isValid);
    assertThat(eventContexts).hasSize(2).allMatch(SpanContext::isValid);
    assertThat(eventContexts.get(0)).isEqualTo(eventContexts.get(1));
    assertThat(fieldContexts)
        .extracting(SpanContext::getTraceId)
        .containsOnly(eventContexts.get(0).getTraceId());
    assertThat(fieldContexts.get(0).getSpanId()).isNotEqualTo(fieldContexts.get(1).getSpanId());

    List<SlideField> records =
        stack.readAll(Topics.SLIDE_FIELDS).stream()
            .filter(r -> r.key().equals("scan-it-1"))
            .map(r -> r.value())
            .toList();
    assertThat(records).extracting(SlideField::getFieldIndex).containsExactly(0, 1);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.getPatientKey()).isEqualTo(key);
              assertThat(r.getSpecimenType()).isEqualTo(SpecimenType.PERIPHERAL_BLOOD);
              assertThat(r.getMicrometresPerPixel()).isEqualTo(0.12);
            });
    assertThat(records.toString()).doesNotContain("MRN-12345");
    ImageRefs refs =
        new ImageRefs(List.of(new FileClaimChecks(Optional.of(store))), 1 << 22, 1 << 22);
    assertThat(refs.bytes(records.get(0).getImage())).isEqualTo(png);
    assertThat(refs.bytes(records.get(1).getImage())).isEqualTo(jpeg);
    assertThat(records.stream().filter(r -> r.getImage().getContent() instanceof ClaimCheck))
        .hasSize(1);
    List<CaseEvent> events =
        stack.readAll(Topics.CASE_EVENTS).stream()
            .filter(r -> r.key().equals("scan-it-1"))
            .map(r -> r.value())
            .toList();
    assertThat(events)
        .extracting(CaseEvent::getType)
        .containsExactly(CaseEventType.OPENED, CaseEventType.CLOSED);
    assertThat(events.get(1).getExpectedFields()).isEqualTo(2);
    assertThat(events)
        .extracting(CaseEvent::getAccession)
        .as("the order number on OPENED only")
        .containsExactly("ACC-2026-0042", null);
    assertThat(err.toString()).doesNotContain("ACC-2026-0042");
  }

  @Test
  void refusesACorruptImageOrAMissingSecretBeforeSendingAnything(EmbeddedStack stack)
      throws Exception {
    byte[] png =
        new SmearGenerator(4)
            .field(List.of(CellType.LYMPHOCYTE), SmearGenerator.Options.DEFAULT)
            .encode("png");
    Path good = Files.write(dir.resolve("good.png"), png);
    Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 3));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int corrupt =
        scan(
            stack,
            out,
            err,
            Map.of(PatientKeys.SECRET_VARIABLE, SECRET),
            "--case",
            "scan-it-2",
            "--patient",
            "MRN-2",
            good.toString(),
            truncated.toString());
    int noSecret =
        scan(
            stack,
            out,
            err,
            Map.of(),
            "--case",
            "scan-it-3",
            "--patient",
            "MRN-3",
            good.toString());
    int tooLarge =
        scan(
            stack,
            out,
            err,
            Map.of(PatientKeys.SECRET_VARIABLE, SECRET),
            "--case",
            "scan-it-4",
            "--patient",
            "MRN-4",
            "--inline-limit",
            "100",
            good.toString());
    int badPixel =
        scan(
            stack,
            out,
            err,
            Map.of(PatientKeys.SECRET_VARIABLE, SECRET),
            "--case",
            "scan-it-5",
            "--patient",
            "MRN-5",
            "--um-per-pixel",
            "-0.1",
            good.toString());
    int badOrder =
        scan(
            stack,
            out,
            err,
            Map.of(PatientKeys.SECRET_VARIABLE, SECRET),
            "--case",
            "scan-it-6",
            "--patient-file",
            Files.writeString(dir.resolve("patient6.txt"), "MRN-6\n").toString(),
            "--order",
            "ACC 42; DROP",
            good.toString());

    assertThat(corrupt).isEqualTo(1);
    assertThat(err.toString()).contains("truncated.png").contains("nothing was sent");
    assertThat(noSecret).isEqualTo(2);
    assertThat(err.toString()).contains(PatientKeys.SECRET_VARIABLE);
    assertThat(tooLarge).isEqualTo(1);
    assertThat(err.toString()).contains("over the inline limit of 100");
    assertThat(err.toString())
        .as("an identifier on the command line is visible to others")
        .contains("--patient puts the identifier in the process list");
    assertThat(badPixel).isEqualTo(2);
    assertThat(err.toString()).contains("pixel size is a positive number");
    assertThat(badOrder).isEqualTo(2);
    assertThat(err.toString())
        .contains("An order number is 1-64 letters")
        .as("the refused value is not echoed")
        .doesNotContain("ACC 42; DROP");
    List<String> keys = stack.readAll(Topics.SLIDE_FIELDS).stream().map(r -> r.key()).toList();
    assertThat(keys)
        .doesNotContain("scan-it-2", "scan-it-3", "scan-it-4", "scan-it-5", "scan-it-6");
    assertThat(stack.readAll(Topics.CASE_EVENTS).stream().map(r -> r.key()))
        .doesNotContain("scan-it-2", "scan-it-3", "scan-it-4", "scan-it-5", "scan-it-6");
  }
}
