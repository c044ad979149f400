package org.leukostream.aggregator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;
import org.leukostream.testkit.MetricsScrape;
import org.leukostream.testkit.OpenApiCoverage;
import org.leukostream.testkit.SecuredStackTestResource;
import org.leukostream.testkit.SloMetrics;

/**
 * The aggregator service as deployed, against the real embedded broker and a registry that demands
 * credentials, which reach the service's topology serdes only through its configuration.
 */
@QuarkusTest
@QuarkusTestResource(value = SecuredStackTestResource.class, restrictToAnnotatedClass = true)
class AggregatorServiceIT {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  @Test
  void theOpenApiDocumentDescribesEveryEndpointWithExamples() {
    String document =
        given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    assertThat(OpenApiCoverage.problems(document, CaseResource.class)).isEmpty();
  }

  @Test
  void caseReachesItsFinalAndIsQueryableLive() throws Exception {
    SyntheticCase feed = SyntheticCase.of("svc-" + UUID.randomUUID(), 5, 300, 90);
    SyntheticCase.publish(clientConfig(), List.of(feed));

    Diagnosis fin =
        await().atMost(Duration.ofSeconds(90)).until(() -> finalOf(feed.caseId()), d -> d != null);
    assertThat(fin.getDecision()).isEqualTo(Decision.ALL);
    assertThat(fin.getCellsCounted()).isEqualTo(300);

    given()
        .get("/cases/{id}", feed.caseId())
        .then()
        .statusCode(200)
        .body("status", equalTo("FINAL"))
        .body("decision", equalTo("ALL"))
        .body("cellsCounted", equalTo(300))
        .body("classCounts.lymphoblast", equalTo(90));
    given().get("/cases/{id}", "no-such-case").then().statusCode(404);

    String exposition = given().get("/q/metrics").asString();
    Files.writeString(Path.of("target/metrics-aggregator.prom"), exposition);
    MetricsScrape scrape = MetricsScrape.parse(exposition);
    assertThat(
            SloMetrics.missing(
                "aggregator", scrape, Set.of(SloMetrics.ALWAYS, SloMetrics.AFTER_CASE)))
        .isEmpty();
    assertThat(
            scrape.sum(
                "leukostream_aggregator_finals_total",
                Map.of("decision", "ALL", "borderline", "false")))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
    // From the scanner's CLOSED to the FINAL: recorded once per decided case, within the wait.
    assertThat(scrape.sum("leukostream_case_latency_seconds_count"))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
    assertThat(scrape.sum("leukostream_case_latency_seconds_max"))
        .hasValueSatisfying(s -> assertThat(s).isBetween(0.0, 90.0));
    // The true lag of each consumer group the aggregator watches (here only it consumes).
    assertThat(scrape.samples("leukostream_consumer_group_lag_records"))
        .extracting(s -> s.labels().get("group"))
        .contains("leukostream-detector", "leukostream-classifier", "leukostream-aggregator");
    assertThat(scrape.samples("leukostream_consumer_group_lag_records"))
        .allSatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(0));
    assertThat(scrape.sum("leukostream_aggregator_labels_counted_total"))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(300.0));
  }

  /**
   * A record just under its topic's 1 MiB limit that no schema reads: its dead letter is larger
   * than 1 MiB, which the dead-letter producer must be able to send, and the stream goes on.
   */
  @Test
  void anUndecodableRecordNearTheTopicLimitOnEachInputIsDeadLetteredWholeAndTheStreamGoesOn()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (Topic<?> input :
        List.<Topic<?>>of(Topics.CELL_LABELS, Topics.FIELD_RESULTS, Topics.CASE_EVENTS)) {
      nearTheLimit(input, "svc-corrupt-" + run + "-" + input.name());
    }
  }

  private void nearTheLimit(Topic<?> input, String caseId) throws Exception {
    byte[] corrupt = new byte[input.maxMessageBytes() - 140];
    corrupt[4] = 1;
    corrupt[5] = (byte) 0xFF;
    try (var raw =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                input.maxMessageBytes()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(input.name(), caseId, corrupt)).get();
    }

    DeadLetter letter =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    read(Topics.AGGREGATOR_DLQ).stream()
                        .filter(d -> caseId.equals(d.getCaseId()))
                        .findFirst()
                        .orElse(null),
                d -> d != null);
    assertThat(letter.getOriginalTopic()).isEqualTo(input.name());
    assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo(caseId);
    byte[] value = new byte[letter.getValue().remaining()];
    letter.getValue().get(value);
    assertThat(value).isEqualTo(corrupt);
    assertThat(letter.getService()).isEqualTo("aggregator");
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    var undecodable =
        Pattern.compile(
                "leukostream_aggregator_dead_letters_total\\{[^}]*reason=\"undecodable\"[^}]*} ([0-9.]+)")
            .matcher(metrics);
    assertThat(undecodable.find()).as("undecodable dead-letter counter in %s", metrics).isTrue();
    assertThat(Double.parseDouble(undecodable.group(1))).isGreaterThanOrEqualTo(1.0);
    MetricsScrape scrape = MetricsScrape.parse(metrics);
    assertThat(SloMetrics.missing("aggregator", scrape, Set.of(SloMetrics.AFTER_DEAD_LETTER)))
        .isEmpty();
    assertThat(
            scrape.sum(
                "leukostream_dead_letters_total",
                Map.of("service", "aggregator", "topic", input.name())))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));

    SyntheticCase after = SyntheticCase.of("svc-after-" + caseId, 2, 200, 20);
    SyntheticCase.publish(clientConfig(), List.of(after));
    assertThat(
            await()
                .atMost(Duration.ofSeconds(90))
                .until(() -> finalOf(after.caseId()), d -> d != null)
                .getDecision())
        .isEqualTo(Decision.NOT_ALL);
  }

  @Test
  void aTombstoneAndAnUnknownSchemaIdOnEveryInputAreDeadLetteredAndTheStreamGoesOn()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    // Confluent's framing (magic byte 0, schema id) with an id no registry ever gave out.
    byte[] unknownSchema = {0, 0x7F, 0x7F, 0x7F, 0x7F, 2, 4, 6};
    List<String> inputs =
        List.of(Topics.CASE_EVENTS.name(), Topics.FIELD_RESULTS.name(), Topics.CELL_LABELS.name());
    try (var raw =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (String topic : inputs) {
        raw.send(new ProducerRecord<>(topic, "svc-tomb-" + run + "-" + topic, null)).get();
        raw.send(new ProducerRecord<>(topic, "svc-unknown-" + run + "-" + topic, unknownSchema))
            .get();
      }
    }

    List<DeadLetter> letters =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    read(Topics.AGGREGATOR_DLQ).stream()
                        .filter(d -> d.getCaseId() != null && d.getCaseId().contains(run))
                        .toList(),
                l -> l.size() == 2 * inputs.size());
    for (String topic : inputs) {
      assertThat(letters)
          .filteredOn(d -> d.getOriginalTopic().equals(topic))
          .extracting(DeadLetter::getCaseId)
          .containsExactlyInAnyOrder(
              "svc-tomb-" + run + "-" + topic, "svc-unknown-" + run + "-" + topic);
    }
    SyntheticCase after = SyntheticCase.of("svc-after-tomb-" + run, 2, 200, 20);
    SyntheticCase.publish(clientConfig(), List.of(after));
    assertThat(
            await()
                .atMost(Duration.ofSeconds(90))
                .until(() -> finalOf(after.caseId()), d -> d != null))
        .isNotNull();
  }

  @Test
  void healthAndMetricsAreExposed() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("leukostream_aggregator_labels_counted_total"));
    // The pipeline watermark reads the groups' offsets with the service's own (SASL) settings.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              String metrics = given().get("/q/metrics").then().extract().asString();
              var lag =
                  java.util.regex.Pattern.compile(
                          "(?m)^leukostream_aggregator_pipeline_watermark_lag_seconds\\S* (\\S+)$")
                      .matcher(metrics);
              return lag.find() && Double.parseDouble(lag.group(1)) >= 0;
            });
  }

  private Diagnosis finalOf(String caseId) {
    return read(Topics.DIAGNOSES).stream()
        .filter(d -> d.getCaseId().equals(caseId) && d.getStatus() == DiagnosisStatus.FINAL)
        .findFirst()
        .orElse(null);
  }

  private Map<String, Object> clientConfig() {
    return SecuredStackTestResource.clientConfig(bootstrap, registryUrl);
  }

  private <V extends SpecificRecord> List<V> read(Topic<V> topic) {
    return TopicReader.values(clientConfig(), topic);
  }
}
