package org.leukostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.ReportStatus;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.cli.pipeline.Finals;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.cli.pipeline.VirtualPatients;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.cli.scan.FieldImage;
import org.leukostream.cli.scan.PatientKeys;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topics;
import org.leukostream.testkit.EmbeddedStackExtension;

/**
 * End to end on a real broker: virtual patients pushed as a scanner pushes them go through the
 * detector, the classifier (the shipped default models) and the aggregator, and each case ends with
 * the FINAL decision of its ground truth.
 */
@ExtendWith(EmbeddedStackExtension.class)
class PipelineIT {
  @TempDir Path claims;

  @Test
  void aCohortEndsWithItsExpectedFinalsAndOnlyTheCorruptFieldDeadLettered(EmbeddedStack stack)
      throws Exception {
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
    String run = "e2e-" + UUID.randomUUID().toString().substring(0, 6);
    List<VirtualPatients.Spec> specs = new ArrayList<>(VirtualPatients.cohort(run, 4));
    specs.add(new VirtualPatients.Spec(run + "-few", 5, VirtualPatients.CELLS_PER_FIELD, 0.5));
    specs.add(
        new VirtualPatients.Spec(
            run + "-corrupt", VirtualPatients.FIELDS, VirtualPatients.CELLS_PER_FIELD, 0.05));
    List<VirtualPatients.Patient> cohort = new ArrayList<>();
    for (VirtualPatients.Spec spec : specs) {
      cohort.add(VirtualPatients.draw(spec, 100 + cohort.size(), settings.rule()));
    }
    Map<String, Decision> expected = new LinkedHashMap<>();
    cohort.forEach(p -> expected.put(p.caseId(), p.expected()));
    assertThat(expected.values())
        .contains(Decision.ALL, Decision.NOT_ALL, Decision.INSUFFICIENT_CELLS);
    PatientKeys keys = new PatientKeys("end-to-end test secret, not a site's");

    try (Pipeline pipeline =
        Pipeline.start(
            stack.clientConfig(), new java.util.Properties(), Optional.of(claims), settings)) {
      try (CaseSender sender = CaseSender.withClaimDirectory(stack.clientConfig(), claims)) {
        for (VirtualPatients.Patient p : cohort) {
          List<FieldImage> fields = new ArrayList<>(p.fields());
          if (p.caseId().endsWith("-corrupt")) {
            // Field 3's bytes cut short: its checksum matches what is sent, it does not decode.
            FieldImage whole = fields.get(3);
            byte[] cut = java.util.Arrays.copyOf(whole.data(), whole.data().length / 2);
            fields.set(
                3,
                new FieldImage("cut.png", cut, whole.mediaType(), whole.width(), whole.height()));
          }
          sender.send(
              new CaseSender.Case(
                  p.caseId(),
                  keys.of(p.patientId()),
                  SpecimenType.BONE_MARROW,
                  "it",
                  fields,
                  null,
                  "ACC-" + p.caseId()),
              n -> {});
        }
      }
      // A scanner's retry: field 0 of the first case delivered a second time.
      String first = cohort.get(0).caseId();
      SlideField again =
          stack.readAll(Topics.SLIDE_FIELDS).stream()
              .filter(r -> r.key().equals(first) && r.value().getFieldIndex() == 0)
              .findFirst()
              .orElseThrow()
              .value();
      try (var producer = stack.producer(Topics.SLIDE_FIELDS)) {
        producer.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), first, again)).get();
      }

      Map<String, Diagnosis> finals =
          Finals.await(
              stack.clientConfig(),
              expected.keySet(),
              Duration.ofMinutes(5),
              pipeline::checkHealthy,
              d -> {});

      Map<String, Decision> decided = new LinkedHashMap<>();
      finals.forEach((id, d) -> decided.put(id, d.getDecision()));
      assertThat(decided).isEqualTo(expected);
      assertThat(finals.get(run + "-corrupt").getFieldsRejected()).isEqualTo(1);

      List<DeadLetter> fieldLetters =
          stack.readAll(Topics.SLIDE_FIELDS_DLQ).stream()
              .map(r -> r.value())
              .filter(l -> l.getCaseId() != null && l.getCaseId().startsWith(run))
              .toList();
      assertThat(fieldLetters).hasSize(1);
      assertThat(fieldLetters.get(0).getCaseId()).isEqualTo(run + "-corrupt");
      assertThat(fieldLetters.get(0).getErrorMessage()).contains("could not be decoded");
      assertThat(stack.readAll(Topics.CELL_CROPS_DLQ)).isEmpty();
      assertThat(stack.readAll(Topics.AGGREGATOR_DLQ)).isEmpty();

      // The EHR bridge made one preliminary report per FINAL, of its decision, and none failed.
      Map<String, FhirReport> reports =
          Finals.reports(
              stack.clientConfig(),
              expected.keySet(),
              Duration.ofMinutes(1),
              pipeline::checkHealthy,
              r -> {});
      reports.forEach(
          (id, r) -> {
            assertThat(r.getDecision()).as(id).isEqualTo(expected.get(id));
            assertThat(r.getReportStatus()).isEqualTo(ReportStatus.PRELIMINARY);
            assertThat(r.getPatientKey()).isEqualTo(finals.get(id).getPatientKey());
            // The scanner's order number reaches the FINAL and the report's basedOn.
            assertThat(finals.get(id).getAccession()).isEqualTo("ACC-" + id);
            org.hl7.fhir.r4.model.DiagnosticReport report =
                org.leukostream.ehr.fhir.ReportBuilder.fhir()
                    .newJsonParser()
                    .parseResource(org.hl7.fhir.r4.model.Bundle.class, r.getBundle())
                    .getEntry()
                    .stream()
                    .map(e -> e.getResource())
                    .filter(org.hl7.fhir.r4.model.DiagnosticReport.class::isInstance)
                    .map(org.hl7.fhir.r4.model.DiagnosticReport.class::cast)
                    .findFirst()
                    .orElseThrow();
            assertThat(report.getBasedOnFirstRep().getIdentifier().getValue())
                .isEqualTo("ACC-" + id);
          });
      assertThat(stack.readAll(Topics.FHIR_REPORTS_DLQ)).isEmpty();

      // No cell counted twice: every case counts each detected cell id once, retry included.
      Map<String, Set<String>> detected = new LinkedHashMap<>();
      for (var r : stack.readAll(Topics.FIELD_RESULTS)) {
        FieldResult result = r.value();
        detected
            .computeIfAbsent(result.getCaseId(), k -> new HashSet<>())
            .addAll(result.getCellIds());
      }
      Map<String, Set<String>> labelled =
          stack.readAll(Topics.CELL_LABELS).stream()
              .map(r -> r.value())
              .collect(
                  Collectors.groupingBy(
                      CellLabel::getCaseId,
                      Collectors.mapping(CellLabel::getCellId, Collectors.toSet())));
      for (Diagnosis d : finals.values()) {
        int cells = detected.getOrDefault(d.getCaseId(), Set.of()).size();
        assertThat(d.getCellsDetected()).as(d.getCaseId()).isEqualTo(cells);
        assertThat(d.getCellsLabelled()).as(d.getCaseId()).isEqualTo(cells);
        assertThat(labelled.getOrDefault(d.getCaseId(), Set.of())).hasSize(cells);
        assertThat(d.getCellsCounted() + d.getCellsUncountable())
            .as(d.getCaseId())
            .isLessThanOrEqualTo(cells);
        assertThat(d.getPatientKey()).hasSize(64).doesNotContain("virtual");
      }
      Pipeline.StageTimes times = pipeline.times();
      // Every field of the cohort and the retry; other tests' fields on the shared broker count
      // too.
      assertThat(times.fields())
          .isGreaterThanOrEqualTo(cohort.stream().mapToLong(p -> p.fields().size()).sum() + 1);
    }
  }
}
