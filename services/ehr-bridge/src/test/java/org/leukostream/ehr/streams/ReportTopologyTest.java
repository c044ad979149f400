package org.leukostream.ehr.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.AmendmentReason;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.ReportStatus;
import org.leukostream.avro.SpecimenType;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.ehr.fhir.Reports;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.schemas.signoff.SignOffSeal;

class ReportTopologyTest {
  static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

  private final Map<String, String> serdeConfig =
      Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://ehr-" + UUID.randomUUID());
  private TopologyTestDriver driver;
  private Path stateDir;
  private TestInputTopic<String, Diagnosis> diagnoses;
  private TestInputTopic<String, CaseEvent> caseEvents;
  private TestOutputTopic<String, FhirReport> reports;

  @BeforeEach
  void start() throws Exception {
    stateDir = Files.createTempDirectory("ehr-bridge-test-");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ehr-bridge-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            ReportTopology.build(new ReportBuilder(Reports.SETTINGS), serdeConfig, SEAL),
            props,
            T0);
    diagnoses =
        driver.createInputTopic(
            Topics.DIAGNOSES.name(),
            new StringSerializer(),
            Topics.DIAGNOSES.valueSerde(serdeConfig).serializer());
    caseEvents =
        driver.createInputTopic(
            Topics.CASE_EVENTS.name(),
            new StringSerializer(),
            Topics.CASE_EVENTS.valueSerde(serdeConfig).serializer());
    reports =
        driver.createOutputTopic(
            Topics.FHIR_REPORTS.name(),
            new StringDeserializer(),
            Topics.FHIR_REPORTS.valueSerde(serdeConfig).deserializer());
  }

  @AfterEach
  void stop() throws Exception {
    driver.close();
    try (var paths = Files.walk(stateDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static final SignOffSeal SEAL = new SignOffSeal("report-topology-test-seal-key-0123456789");

  /** A SIGNED event as the bridge's endpoint writes it: with its seal. */
  private void sign(String caseId, CaseEvent event) {
    caseEvents.pipeInput(
        new TestRecord<>(
            caseId,
            event,
            new RecordHeaders()
                .add(SignOffSeal.HEADER, SEAL.seal(event).getBytes(StandardCharsets.UTF_8))));
  }

  static CaseEvent signed(String caseId, String reviewer, Decision corrected) {
    return CaseEvent.newBuilder()
        .setCaseId(caseId)
        .setPatientKey(Reports.PATIENT_KEY)
        .setType(CaseEventType.SIGNED)
        .setOccurredAt(T0.plusSeconds(60))
        .setReviewerId(reviewer)
        .setCorrectedDecision(corrected)
        .build();
  }

  static DiagnosticReport report(FhirReport value) {
    return Reports.diagnosticReport(Reports.bundle(value));
  }

  @Test
  void aFinalDiagnosisBecomesOnePreliminaryReportAndARedeliveryNone() {
    Diagnosis diagnosis = Reports.diagnosis("c-1", Decision.ALL, SpecimenType.BONE_MARROW);
    diagnoses.pipeInput("c-1", diagnosis);
    diagnoses.pipeInput("c-1", diagnosis); // redelivered

    List<FhirReport> out = reports.readValuesToList();
    assertThat(out).hasSize(1);
    FhirReport report = out.get(0);
    assertThat(report.getRevision()).isEqualTo(1);
    assertThat(report.getReportStatus()).isEqualTo(ReportStatus.PRELIMINARY);
    assertThat(report.getDecision()).isEqualTo(Decision.ALL);
    assertThat(report.getPatientKey()).isEqualTo(Reports.PATIENT_KEY);
    assertThat(report(report).getStatus())
        .isEqualTo(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
  }

  @Test
  void preliminaryDiagnosesAndOtherCaseEventsAreNotReports() {
    Diagnosis running =
        Diagnosis.newBuilder(Reports.diagnosis("c-2", Decision.NOT_ALL, SpecimenType.BONE_MARROW))
            .setStatus(DiagnosisStatus.PRELIMINARY)
            .build();
    diagnoses.pipeInput("c-2", running);
    caseEvents.pipeInput(
        "c-2",
        CaseEvent.newBuilder(signed("c-2", null, null)).setType(CaseEventType.CLOSED).build());
    assertThat(reports.isEmpty()).isTrue();
  }

  @Test
  void signingRepublishesTheReportAsFinalOnceAndOnlyAnAmendmentWithAReasonChangesItAgain() {
    var deadLetters =
        driver.createOutputTopic(
            Topics.FHIR_REPORTS_DLQ.name(),
            new StringDeserializer(),
            Topics.FHIR_REPORTS_DLQ.valueSerde(serdeConfig).deserializer());
    diagnoses.pipeInput("c-3", Reports.diagnosis("c-3", Decision.ALL, SpecimenType.BONE_MARROW));
    sign("c-3", signed("c-3", "dr-ng", null));
    sign("c-3", signed("c-3", "dr-ng", null)); // redelivered sign-off
    sign("c-3", signed("c-3", "dr-ot", Decision.NOT_ALL)); // a second sign-off without a reason
    sign(
        "c-3",
        CaseEvent.newBuilder(signed("c-3", "dr-ng", Decision.NOT_ALL))
            .setAmendmentReason(AmendmentReason.COUNT_CORRECTED)
            .build()); // an amendment

    List<FhirReport> out = reports.readValuesToList();
    assertThat(out)
        .extracting(FhirReport::getRevision, FhirReport::getReportStatus, FhirReport::getDecision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, ReportStatus.PRELIMINARY, Decision.ALL),
            org.assertj.core.groups.Tuple.tuple(2, ReportStatus.FINAL, Decision.ALL),
            org.assertj.core.groups.Tuple.tuple(3, ReportStatus.AMENDED, Decision.NOT_ALL));
    assertThat(out.get(1).getReviewerId()).isEqualTo("dr-ng");
    assertThat(report(out.get(2)).getStatus())
        .isEqualTo(DiagnosticReport.DiagnosticReportStatus.AMENDED);
    assertThat(deadLetters.readValuesToList())
        .singleElement()
        .satisfies(l -> assertThat(l.getErrorMessage()).contains("must give an amendment reason"));
  }

  @Test
  void aSignOffThatArrivesFirstMakesTheFirstReportFinal() {
    sign("c-4", signed("c-4", "dr-ng", null));
    assertThat(reports.isEmpty()).isTrue();
    diagnoses.pipeInput(
        "c-4", Reports.diagnosis("c-4", Decision.NOT_ALL, SpecimenType.BONE_MARROW));
    FhirReport report = reports.readValue();
    assertThat(report.getReportStatus()).isEqualTo(ReportStatus.FINAL);
    assertThat(report.getRevision()).isEqualTo(1);
  }

  @Test
  void aSignedEventWithoutTheBridgesSealChangesNoReportAndIsDeadLettered() {
    TestOutputTopic<String, DeadLetter> deadLetters =
        driver.createOutputTopic(
            Topics.FHIR_REPORTS_DLQ.name(),
            new StringDeserializer(),
            Topics.FHIR_REPORTS_DLQ.valueSerde(serdeConfig).deserializer());
    diagnoses.pipeInput("c-6", Reports.diagnosis("c-6", Decision.ALL, SpecimenType.BONE_MARROW));
    assertThat(reports.readValue().getReportStatus()).isEqualTo(ReportStatus.PRELIMINARY);

    CaseEvent forged = signed("c-6", "not-a-reviewer", Decision.NOT_ALL);
    caseEvents.pipeInput("c-6", forged); // no seal: written straight to the topic
    SignOffSeal other = new SignOffSeal("another-key-that-is-not-the-bridges-own-key");
    caseEvents.pipeInput(
        new TestRecord<>(
            "c-6",
            forged,
            new RecordHeaders()
                .add(SignOffSeal.HEADER, other.seal(forged).getBytes(StandardCharsets.UTF_8))));
    CaseEvent genuine = signed("c-6", "dr-ng", null);
    caseEvents.pipeInput(
        new TestRecord<>(
            "c-6",
            CaseEvent.newBuilder(genuine).setCorrectedDecision(Decision.NOT_ALL).build(),
            new RecordHeaders()
                .add(
                    SignOffSeal.HEADER,
                    SEAL.seal(genuine).getBytes(StandardCharsets.UTF_8)))); // altered after sealing

    assertThat(reports.isEmpty()).as("no report changed").isTrue();
    assertThat(deadLetters.readValuesToList())
        .hasSize(3)
        .allSatisfy(l -> assertThat(l.getErrorMessage()).contains("without the bridge's seal"));

    sign("c-6", genuine);
    FhirReport signedReport = reports.readValue();
    assertThat(signedReport.getReportStatus()).isEqualTo(ReportStatus.FINAL);
    assertThat(signedReport.getReviewerId()).isEqualTo("dr-ng");
    assertThat(signedReport.getDecision()).isEqualTo(Decision.ALL);
  }

  @Test
  void aRevisionDecidedAfterTheSignOffIsReportedUnsignedUntilAnAmendmentSignsIt() {
    Diagnosis first = Reports.diagnosis("c-7", Decision.INCOMPLETE, SpecimenType.BONE_MARROW);
    diagnoses.pipeInput("c-7", first);
    sign("c-7", signed("c-7", "dr-ng", null));
    // The case was reopened and its late field counted: a new FINAL, decided after the sign-off.
    Diagnosis revised =
        Diagnosis.newBuilder(Reports.diagnosis("c-7", Decision.ALL, SpecimenType.BONE_MARROW))
            .setSequence(first.getSequence() + 5)
            .setDecidedAt(T0.plusSeconds(600))
            .build();
    diagnoses.pipeInput("c-7", revised);
    sign(
        "c-7",
        CaseEvent.newBuilder(signed("c-7", "dr-ng", null))
            .setOccurredAt(T0.plusSeconds(700))
            .setAmendmentReason(AmendmentReason.COUNT_CORRECTED)
            .build());

    assertThat(reports.readValuesToList())
        .extracting(
            FhirReport::getRevision,
            FhirReport::getReportStatus,
            FhirReport::getDecision,
            FhirReport::getReviewerId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                1, ReportStatus.PRELIMINARY, Decision.INCOMPLETE, null),
            org.assertj.core.groups.Tuple.tuple(
                2, ReportStatus.FINAL, Decision.INCOMPLETE, "dr-ng"),
            org.assertj.core.groups.Tuple.tuple(3, ReportStatus.PRELIMINARY, Decision.ALL, null),
            org.assertj.core.groups.Tuple.tuple(4, ReportStatus.AMENDED, Decision.ALL, "dr-ng"));
  }

  @Test
  void aNewerFinalDiagnosisIsANewRevisionAnOlderOneIsDropped() {
    Diagnosis first = Reports.diagnosis("c-5", Decision.INCOMPLETE, SpecimenType.BONE_MARROW);
    Diagnosis later =
        Diagnosis.newBuilder(Reports.diagnosis("c-5", Decision.ALL, SpecimenType.BONE_MARROW))
            .setSequence(first.getSequence() + 3)
            .build();
    diagnoses.pipeInput("c-5", first);
    diagnoses.pipeInput("c-5", later);
    diagnoses.pipeInput("c-5", first); // replayed out of order
    assertThat(reports.readValuesToList())
        .extracting(FhirReport::getRevision, FhirReport::getDecision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, Decision.INCOMPLETE),
            org.assertj.core.groups.Tuple.tuple(2, Decision.ALL));
  }
}
