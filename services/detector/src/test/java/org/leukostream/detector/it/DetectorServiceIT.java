package org.leukostream.detector.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.SlideField;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.FaultyFields;
import org.leukostream.synthetic.SyntheticFields;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.testkit.MetricsScrape;
import org.leukostream.testkit.SecuredStackTestResource;
import org.leukostream.testkit.SloMetrics;
import org.leukostream.training.testing.TestModels;

/**
 * The detector service as deployed, against the real embedded broker and registry: good fields
 * (inline and behind a file claim check) become crops and PROCESSED results; a redelivered field
 * yields the same cell ids; every kind of bad field gets a REJECTED result and a dead letter; a
 * record no schema reads gets a dead letter; the service keeps going throughout. The registry
 * demands credentials, which reach the service only through its configuration, as in a cluster. The
 * demo's worker meets the same faults ({@link FaultyFields}) in ServiceCoresIT with the same
 * outcome.
 */
@QuarkusTest
@QuarkusTestResource(value = SecuredStackTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestDetectorResource.class, restrictToAnnotatedClass = true)
class DetectorServiceIT {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  @ConfigProperty(name = "leukostream.detector.claim-check.file-root")
  String claimRoot;

  @Test
  void goodFieldsBecomeCropsBadFieldsAreRejectedAndDeadLettered() throws Exception {
    List<SmearField> smears = TestModels.fields(99, 2);
    Path claims = Path.of(claimRoot);
    byte[] jpeg = smears.get(1).encode("jpg");
    Path stored = Files.write(claims.resolve("good-1.jpg"), jpeg);
    SlideField good0 = SyntheticFields.inline("good", 0, smears.get(0));
    SlideField good1 =
        SyntheticFields.claimCheck(
            "good", 1, jpeg, "image/jpeg", smears.get(1), stored.toUri().toString());
    List<FaultyFields.Fault> faults = FaultyFields.of("bad", smears.get(0), claims);

    Map<String, Object> config = SecuredStackTestResource.clientConfig(bootstrap, registryUrl);
    try (var producer = TopicWriter.producer(config, Topics.SLIDE_FIELDS)) {
      producer.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "good", good0));
      producer.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "good", good1));
      for (FaultyFields.Fault fault : faults) {
        producer.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "bad", fault.field()));
      }
      producer.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "good", good0)); // redelivery
    }
    try (var raw =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "garbage", FaultyFields.GARBAGE));
    }

    List<FieldResult> results =
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () -> TopicReader.values(config, Topics.FIELD_RESULTS),
                r -> r.size() >= 3 + faults.size());
    assertThat(results).hasSize(3 + faults.size());
    List<FieldResult> good = results.stream().filter(r -> r.getCaseId().equals("good")).toList();
    assertThat(good).extracting(FieldResult::getStatus).containsOnly(FieldStatus.PROCESSED);
    assertThat(good).extracting(FieldResult::getFieldIndex).containsExactlyInAnyOrder(0, 1, 0);
    List<List<String>> field0 =
        good.stream().filter(r -> r.getFieldIndex() == 0).map(FieldResult::getCellIds).toList();
    assertThat(field0.get(0)).isNotEmpty().isEqualTo(field0.get(1)); // redelivery: same ids

    Map<Integer, String> reasons =
        results.stream()
            .filter(r -> r.getCaseId().equals("bad"))
            .peek(r -> assertThat(r.getStatus()).isEqualTo(FieldStatus.REJECTED))
            .collect(Collectors.toMap(FieldResult::getFieldIndex, FieldResult::getRejectionReason));
    assertThat(reasons).hasSize(faults.size());
    for (FaultyFields.Fault fault : faults) {
      assertThat(reasons.get(fault.field().getFieldIndex())).contains(fault.reason());
    }

    List<CellCrop> crops = TopicReader.values(config, Topics.CELL_CROPS);
    for (FieldResult result : good) {
      List<String> ids =
          crops.stream()
              .filter(c -> c.getFieldIndex() == result.getFieldIndex())
              .map(CellCrop::getCellId)
              .distinct()
              .toList();
      assertThat(ids).containsExactlyInAnyOrderElementsOf(result.getCellIds());
      // every synthetic field holds six white cells; the small test detector (150 steps, score
      // >= 0.3) finds four to six of them, fewer in the JPEG-compressed field
      assertThat(ids.size()).isBetween(4, 7);
    }
    assertThat(crops).allMatch(c -> c.getCaseId().equals("good"));

    List<DeadLetter> letters = TopicReader.values(config, Topics.SLIDE_FIELDS_DLQ);
    assertThat(letters).hasSize(1 + faults.size());
    assertThat(letters).allMatch(l -> l.getService().equals("detector"));
    DeadLetter garbage =
        letters.stream().filter(l -> "garbage".equals(l.getCaseId())).findFirst().orElseThrow();
    assertThat(garbage.getValue().array()).isEqualTo(FaultyFields.GARBAGE);
    assertThat(letters.stream().filter(l -> "bad".equals(l.getCaseId()))).hasSize(faults.size());

    given().get("/q/health/ready").then().statusCode(200).body(containsString("wbc-detector"));
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "leukostream_detector_fields_total{outcome=\"rejected\"} " + faults.size() + ".0"))
        .body(containsString("leukostream_detector_fields_total{outcome=\"processed\"} 3.0"))
        .body(
            containsString(
                "leukostream_detector_dead_letters_total " + (faults.size() + 1) + ".0"));

    String exposition = given().get("/q/metrics").asString();
    Files.writeString(Path.of("target/metrics-detector.prom"), exposition);
    MetricsScrape scrape = MetricsScrape.parse(exposition);
    assertThat(
            SloMetrics.missing(
                "detector",
                scrape,
                Set.of(SloMetrics.ALWAYS, SloMetrics.AFTER_CASE, SloMetrics.AFTER_DEAD_LETTER)))
        .isEmpty();
    assertThat(scrape.sum("leukostream_models_ready")).contains(1.0);
    assertThat(scrape.sum("leukostream_models_load_failed")).contains(0.0);
    assertThat(scrape.sum("leukostream_models_load_seconds"))
        .hasValueSatisfying(s -> assertThat(s).isPositive());
    assertThat(scrape.samples("leukostream_model_info"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.labels())
                    .containsEntry("stage", "detector")
                    .containsEntry("model", "wbc-detector")
                    .containsEntry("device", "cpu"));
    assertThat(
            scrape.sum(
                "leukostream_dead_letters_total",
                Map.of("service", "detector", "topic", Topics.SLIDE_FIELDS.name())))
        .contains((double) faults.size() + 1);
    assertThat(scrape.sum("leukostream_detector_inference_seconds_count"))
        .hasValueSatisfying(n -> assertThat(n).isBetween(3.0, 3.0 + faults.size()));
    assertThat(scrape.sum("leukostream_detector_cells_total"))
        .hasValueSatisfying(n -> assertThat(n).isBetween(12.0, 21.0));
  }
}
