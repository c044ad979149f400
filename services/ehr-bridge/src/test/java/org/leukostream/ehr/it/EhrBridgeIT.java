package org.leukostream.ehr.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.ReportStatus;
import org.leukostream.avro.SpecimenType;
import org.leukostream.ehr.fhir.Reports;
import org.leukostream.ehr.rest.SignResource;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.signoff.SignOffSeal;
import org.leukostream.testkit.MetricsScrape;
import org.leukostream.testkit.OpenApiCoverage;
import org.leukostream.testkit.SecuredStackTestResource;
import org.leukostream.testkit.SloMetrics;

/**
 * The bridge as deployed, against the real embedded broker and registry and a FHIR server built
 * with HAPI's RestfulServer: reports reach both, a redelivery duplicates nothing, an outage is
 * retried, a rejection is dead-lettered with the server's OperationOutcome, and a sign-off makes
 * the report final.
 */
@QuarkusTest
@QuarkusTestResource(value = SecuredStackTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FhirServerTestResource.class, restrictToAnnotatedClass = true)
class EhrBridgeIT {
  static final Duration WAIT = Duration.ofSeconds(90);

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  InMemoryFhirServer server() {
    return FhirServerTestResource.server;
  }

  @Test
  void theOpenApiDocumentDescribesEveryEndpointWithExamples() {
    String document =
        given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    assertThat(OpenApiCoverage.problems(document, SignResource.class)).isEmpty();
  }

  @Test
  void aFinalDiagnosisReachesTheTopicAndTheServerOnceEvenWhenRedelivered() {
    String caseId = "ehr-" + UUID.randomUUID();
    Diagnosis diagnosis = Reports.diagnosis(caseId, Decision.ALL, SpecimenType.BONE_MARROW);
    send(Topics.DIAGNOSES, caseId, diagnosis);

    FhirReport report = await().atMost(WAIT).until(() -> reports(caseId), l -> !l.isEmpty()).get(0);
    assertThat(report.getReportStatus()).isEqualTo(ReportStatus.PRELIMINARY);
    assertThat(Reports.errors(bundle(report))).isEmpty();
    await().atMost(WAIT).until(() -> server().find("DiagnosticReport", caseId), l -> l.size() == 1);
    int transactions = server().transactions();

    send(Topics.DIAGNOSES, caseId, diagnosis); // redelivered
    String marker = "ehr-marker-" + UUID.randomUUID(); // a later case proves the bridge moved on
    send(
        Topics.DIAGNOSES,
        marker,
        Reports.diagnosis(marker, Decision.NOT_ALL, SpecimenType.BONE_MARROW));
    await().atMost(WAIT).until(() -> server().find("DiagnosticReport", marker), l -> l.size() == 1);

    assertThat(reports(caseId)).hasSize(1);
    assertThat(server().find("DiagnosticReport", caseId))
        .singleElement()
        .satisfies(stored -> assertThat(stored.version()).isEqualTo(1));
    assertThat(server().transactions()).isEqualTo(transactions + 1); // only the marker's
    // Every observation of the case is stored once.
    assertThat(server().find("Observation", caseId + "/"))
        .hasSize(bundle(report).getEntry().size() - 2);
  }

  @Test
  void anOutageIsRetriedUntilTheServerTakesTheReport() {
    String caseId = "ehr-outage-" + UUID.randomUUID();
    int before = server().transactions();
    server().failNext(2);
    send(
        Topics.DIAGNOSES,
        caseId,
        Reports.diagnosis(caseId, Decision.NOT_ALL, SpecimenType.PERIPHERAL_BLOOD));

    await().atMost(WAIT).until(() -> server().find("DiagnosticReport", caseId), l -> l.size() == 1);
    assertThat(server().transactions() - before).isGreaterThanOrEqualTo(3);
    assertThat(deadLetters(caseId)).isEmpty();
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("leukostream_ehr_reports_retries_total"));
  }

  @Test
  void aRefusedTokenIsRetriedUntilTheRotatedOneIsReadAndNothingIsDeadLettered() throws Exception {
    String caseId = "ehr-token-" + UUID.randomUUID();
    int refusedBefore = server().refusedTokens();
    server().requireToken("rotated-token");
    try {
      send(
          Topics.DIAGNOSES,
          caseId,
          Reports.diagnosis(caseId, Decision.NOT_ALL, SpecimenType.PERIPHERAL_BLOOD));
      await().atMost(WAIT).until(() -> server().refusedTokens() > refusedBefore);
      Files.writeString(FhirServerTestResource.tokenFile, "rotated-token\n"); // the Secret rotated

      await()
          .atMost(WAIT)
          .until(() -> server().find("DiagnosticReport", caseId), l -> l.size() == 1);
      assertThat(deadLetters(caseId)).isEmpty();
    } finally {
      server().requireToken(null);
      Files.writeString(FhirServerTestResource.tokenFile, FhirServerTestResource.INITIAL_TOKEN);
    }
  }

  @Test
  void aRejectedReportIsDeadLetteredWithTheServersOperationOutcome() {
    String caseId = "ehr-rejected-" + UUID.randomUUID();
    server().reject(caseId);
    send(
        Topics.DIAGNOSES,
        caseId,
        Reports.diagnosis(caseId, Decision.ALL, SpecimenType.BONE_MARROW));

    DeadLetter letter =
        await().atMost(WAIT).until(() -> deadLetters(caseId), l -> !l.isEmpty()).get(0);
    assertThat(letter.getService()).isEqualTo("ehr-bridge");
    assertThat(letter.getOriginalTopic()).isEqualTo(Topics.FHIR_REPORTS.name());
    assertThat(letter.getErrorMessage())
        .contains("HTTP 422")
        .contains("OperationOutcome")
        .contains("is closed in this LIS");
    assertThat(server().find("DiagnosticReport", caseId)).isEmpty();
  }

  @Test
  void aTombstoneAndAnUndecodableReportAreDeadLetteredAndDeliveryGoesOn() throws Exception {
    String tombstone = "ehr-tombstone-" + UUID.randomUUID();
    String garbage = "ehr-garbage-" + UUID.randomUUID();
    byte[] notAvro = "not a report".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var raw =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.FHIR_REPORTS.name(), tombstone, null));
      raw.send(new ProducerRecord<>(Topics.FHIR_REPORTS.name(), garbage, notAvro));
    }
    String after = "ehr-after-poison-" + UUID.randomUUID();
    send(Topics.DIAGNOSES, after, Reports.diagnosis(after, Decision.ALL, SpecimenType.BONE_MARROW));

    await().atMost(WAIT).until(() -> server().find("DiagnosticReport", after), l -> l.size() == 1);
    DeadLetter empty =
        await().atMost(WAIT).until(() -> deadLetters(tombstone), l -> !l.isEmpty()).get(0);
    assertThat(empty.getValue()).isNull();
    assertThat(empty.getErrorMessage()).contains("tombstone");
    DeadLetter unreadable = deadLetters(garbage).get(0);
    assertThat(unreadable.getValue().array()).isEqualTo(notAvro);
    assertThat(unreadable.getErrorMessage()).contains("not a readable report");

    String exposition = given().get("/q/metrics").asString();
    Files.writeString(Path.of("target/metrics-ehr-bridge.prom"), exposition);
    MetricsScrape scrape = MetricsScrape.parse(exposition);
    assertThat(
            SloMetrics.missing(
                "ehr-bridge",
                scrape,
                Set.of(SloMetrics.ALWAYS, SloMetrics.AFTER_CASE, SloMetrics.AFTER_DEAD_LETTER)))
        .isEmpty();
    assertThat(
            scrape.sum(
                "leukostream_dead_letters_total",
                Map.of("service", "ehr-bridge", "topic", Topics.FHIR_REPORTS.name())))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(2.0));
    assertThat(scrape.sum("leukostream_ehr_fhir_post_seconds_count", Map.of("outcome", "accepted")))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
    assertThat(scrape.sum("leukostream_ehr_reports_delivered_total"))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
  }

  @Test
  void poisonOnEachInputOfTheReportTopologyIsDeadLetteredAndReportingGoesOn() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    byte[] unknownSchema = {0, 0x7F, 0x7F, 0x7F, 0x7F, 2, 4, 6};
    List<String> keys = new java.util.ArrayList<>();
    for (Topic<?> input : List.<Topic<?>>of(Topics.DIAGNOSES, Topics.CASE_EVENTS)) {
      byte[] nearTheLimit = new byte[input.maxMessageBytes() - 140];
      nearTheLimit[4] = 1;
      nearTheLimit[5] = (byte) 0xFF;
      try (var raw =
          new KafkaProducer<>(
              Map.<String, Object>of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                  input.maxMessageBytes()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        String prefix = "ehr-poison-" + run + "-" + input.name();
        raw.send(new ProducerRecord<>(input.name(), prefix + "-tombstone", null)).get();
        raw.send(new ProducerRecord<>(input.name(), prefix + "-unknown", unknownSchema)).get();
        raw.send(new ProducerRecord<>(input.name(), prefix + "-huge", nearTheLimit)).get();
        keys.addAll(List.of(prefix + "-tombstone", prefix + "-unknown", prefix + "-huge"));
      }
    }
    String after = "ehr-after-topology-poison-" + run;
    send(Topics.DIAGNOSES, after, Reports.diagnosis(after, Decision.ALL, SpecimenType.BONE_MARROW));

    await().atMost(WAIT).until(() -> reports(after), l -> l.size() == 1);
    for (String key : keys) {
      assertThat(await().atMost(WAIT).until(() -> deadLetters(key), l -> !l.isEmpty()))
          .as(key)
          .hasSize(1);
    }
  }

  @Test
  void aSignOffMakesTheReportFinalAndOnlyAnAmendmentWithAReasonChangesItAgain() {
    String caseId = "ehr-signed-" + UUID.randomUUID();
    send(
        Topics.DIAGNOSES,
        caseId,
        Reports.diagnosis(caseId, Decision.ALL, SpecimenType.BONE_MARROW));
    await().atMost(WAIT).until(() -> server().find("DiagnosticReport", caseId), l -> l.size() == 1);

    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "reviewerId", "dr-ng", "correctedDecision", "NOT_ALL", "comment", "haematogones"))
        .post("/cases/{id}/sign", caseId)
        .then()
        .statusCode(202)
        .body("reviewerId", equalTo("dr-ng"))
        .body("decision", equalTo("NOT_ALL"));

    FhirReport signed =
        await().atMost(WAIT).until(() -> reports(caseId), l -> l.size() == 2).get(1);
    assertThat(signed.getReportStatus()).isEqualTo(ReportStatus.FINAL);
    assertThat(signed.getDecision()).isEqualTo(Decision.NOT_ALL);
    assertThat(signed.getRevision()).isEqualTo(2);
    CaseEvent event =
        read(Topics.CASE_EVENTS).stream()
            .filter(e -> e.getCaseId().equals(caseId) && e.getType() == CaseEventType.SIGNED)
            .findFirst()
            .orElseThrow();
    assertThat(event.getReviewerId()).isEqualTo("dr-ng");
    assertThat(event.getPatientKey()).isEqualTo(Reports.PATIENT_KEY);

    InMemoryFhirServer.Stored stored =
        await()
            .atMost(WAIT)
            .until(() -> server().find("DiagnosticReport", caseId).get(0), s -> s.version() == 2);
    DiagnosticReport report = (DiagnosticReport) stored.resource();
    assertThat(report.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
    assertThat(server().find("DiagnosticReport", caseId)).hasSize(1); // updated, not duplicated

    // A second sign-off is an amendment with a coded reason, never a silent replacement.
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reviewerId", "dr-ot", "correctedDecision", "ALL"))
        .post("/cases/{id}/sign", caseId)
        .then()
        .statusCode(409)
        .body("error", containsString("needs amendmentReason"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reviewerId", "dr-ot", "comment", "MRN 12345678 checked"))
        .post("/cases/{id}/sign", caseId)
        .then()
        .statusCode(400)
        .body("error", containsString("looks like a number"));
    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "reviewerId",
                "dr-ot",
                "correctedDecision",
                "ALL",
                "amendmentReason",
                "COUNT_CORRECTED"))
        .post("/cases/{id}/sign", caseId)
        .then()
        .statusCode(202)
        .body("status", equalTo("AMENDED"));
    FhirReport amended =
        await().atMost(WAIT).until(() -> reports(caseId), l -> l.size() == 3).get(2);
    assertThat(amended.getReportStatus()).isEqualTo(ReportStatus.AMENDED);
    assertThat(amended.getDecision()).isEqualTo(Decision.ALL);
    InMemoryFhirServer.Stored third =
        await()
            .atMost(WAIT)
            .until(() -> server().find("DiagnosticReport", caseId).get(0), s -> s.version() == 3);
    assertThat(((DiagnosticReport) third.resource()).getStatus())
        .isEqualTo(DiagnosticReport.DiagnosticReportStatus.AMENDED);
  }

  @Test
  void aDecidedCaseIsReopenedOnlyWithAReasonAndTheSealedEventNamesItsPatientKey() {
    String caseId = "ehr-reopen-" + UUID.randomUUID();
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reason", "late field"))
        .post("/cases/{id}/reopen", caseId)
        .then()
        .statusCode(404)
        .body("error", containsString("no FINAL diagnosis"));
    send(
        Topics.DIAGNOSES,
        caseId,
        Reports.diagnosis(caseId, Decision.INCOMPLETE, SpecimenType.BONE_MARROW));
    await().atMost(WAIT).until(() -> reports(caseId), l -> l.size() == 1);

    given()
        .contentType(ContentType.JSON)
        .body(Map.of())
        .post("/cases/{id}/reopen", caseId)
        .then()
        .statusCode(400)
        .body("error", containsString("reason is required"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reason", "field 12 of slide 2026-11-30 rescanned"))
        .post("/cases/{id}/reopen", caseId)
        .then()
        .statusCode(400); // looks like a date: a remark must not identify anyone
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reason", "field 12 arrived after the timeout"))
        .post("/cases/{id}/reopen", caseId)
        .then()
        .statusCode(202)
        .body("status", equalTo("REOPENED"));

    var reopened =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    TopicReader.readBytes(clientConfig(), Topics.CASE_EVENTS).stream()
                        .filter(r -> caseId.equals(r.key()))
                        .toList(),
                l -> !l.isEmpty());
    var record = reopened.get(0);
    CaseEvent event =
        Topics.CASE_EVENTS
            .valueSerde(clientConfig())
            .deserializer()
            .deserialize(record.topic(), record.headers(), record.value());
    assertThat(event.getType()).isEqualTo(CaseEventType.REOPENED);
    assertThat(event.getPatientKey()).isEqualTo(Reports.PATIENT_KEY);
    assertThat(event.getComment()).isEqualTo("field 12 arrived after the timeout");
    assertThat(record.headers().lastHeader(SignOffSeal.HEADER)).isNotNull();
  }

  @Test
  void signingAnUnknownCaseOrWithABadBodyIsRefused() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reviewerId", "dr-ng"))
        .post("/cases/{id}/sign", "no-such-case")
        .then()
        .statusCode(404)
        .body("error", containsString("no FINAL diagnosis"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("comment", "no reviewer"))
        .post("/cases/{id}/sign", "no-such-case")
        .then()
        .statusCode(400);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reviewerId", "dr-ng", "correctedDecision", "MAYBE"))
        .post("/cases/{id}/sign", "no-such-case")
        .then()
        .statusCode(400)
        .body("error", containsString("correctedDecision"));
  }

  private Bundle bundle(FhirReport report) {
    return Reports.bundle(report);
  }

  /** The case's reports; the topic also holds a test's tombstone and poison, left undecoded. */
  private List<FhirReport> reports(String caseId) {
    var decoder = Topics.FHIR_REPORTS.valueSerde(clientConfig()).deserializer();
    return TopicReader.readBytes(clientConfig(), Topics.FHIR_REPORTS).stream()
        .filter(r -> caseId.equals(r.key()))
        .map(r -> decoder.deserialize(r.topic(), r.headers(), r.value()))
        .toList();
  }

  private List<DeadLetter> deadLetters(String caseId) {
    return read(Topics.FHIR_REPORTS_DLQ).stream()
        .filter(d -> caseId.equals(d.getCaseId()))
        .toList();
  }

  private <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) {
    try (var producer = TopicWriter.producer(clientConfig(), topic)) {
      producer.send(new ProducerRecord<>(topic.name(), key, value));
    }
  }

  private Map<String, Object> clientConfig() {
    return SecuredStackTestResource.clientConfig(bootstrap, registryUrl);
  }

  private <V extends SpecificRecord> List<V> read(Topic<V> topic) {
    return TopicReader.values(clientConfig(), topic);
  }
}
