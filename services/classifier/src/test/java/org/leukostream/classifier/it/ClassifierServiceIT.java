package org.leukostream.classifier.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;
import org.leukostream.images.ImageRefs;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.testkit.MetricsScrape;
import org.leukostream.testkit.SecuredStackTestResource;
import org.leukostream.testkit.SloMetrics;

/**
 * The classifier service as deployed, against the real embedded broker and registry: every good
 * crop gets one label in batches of at most the configured size; a crop whose image is corrupt and
 * a record no schema reads go to the DLQ without holding up the others.
 */
@QuarkusTest
@QuarkusTestResource(value = SecuredStackTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = TestClassifierResource.class, restrictToAnnotatedClass = true)
class ClassifierServiceIT {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  @Test
  void everyGoodCropIsLabelledAndPoisonIsDeadLettered() throws Exception {
    List<CellCrop> good = new ArrayList<>(TestCrops.of("case-a", 30));
    good.addAll(TestCrops.of("case-b", 12));
    CellCrop template = TestCrops.of("case-c", 1).get(0);
    byte[] notPng = "not a png at all".getBytes(StandardCharsets.UTF_8);
    CellCrop corrupt =
        CellCrop.newBuilder()
            .setCellId("case-c/0/corrupt")
            .setCaseId("case-c")
            .setFieldIndex(0)
            .setSpecimenType(template.getSpecimenType())
            .setBox(template.getBox())
            .setDetectionScore(0.5)
            .setCrop(
                ImageRef.newBuilder()
                    .setMediaType("image/png")
                    .setWidthPx(10)
                    .setHeightPx(10)
                    .setSizeBytes(notPng.length)
                    .setSha256(ImageRefs.sha256(notPng))
                    .setContent(new InlineImage(ByteBuffer.wrap(notPng)))
                    .build())
            .setDetectorModel(template.getDetectorModel())
            .setDetectedAt(template.getDetectedAt())
            .build();

    Map<String, Object> config = SecuredStackTestResource.clientConfig(bootstrap, registryUrl);
    try (var producer = TopicWriter.producer(config, Topics.CELL_CROPS)) {
      for (CellCrop crop : good.subList(0, 20)) {
        producer.send(new ProducerRecord<>(Topics.CELL_CROPS.name(), key(crop), crop));
      }
      producer.send(new ProducerRecord<>(Topics.CELL_CROPS.name(), key(corrupt), corrupt));
      for (CellCrop crop : good.subList(20, good.size())) {
        producer.send(new ProducerRecord<>(Topics.CELL_CROPS.name(), key(crop), crop));
      }
    }
    try (var raw =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(Topics.CELL_CROPS.name(), "case-d/3", new byte[] {0, 0, 0}));
    }

    List<CellLabel> labels =
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () -> TopicReader.values(config, Topics.CELL_LABELS), l -> l.size() >= good.size());
    assertThat(labels)
        .extracting(CellLabel::getCellId)
        .containsExactlyInAnyOrderElementsOf(good.stream().map(CellCrop::getCellId).toList());
    assertThat(labels).allSatisfy(l -> assertThat(l.getBatchSize()).isBetween(1, 8));
    // The cascade: ensemble A (two members) ran exactly on the crops stage 1 kept and B called
    // lymphoid; the other labels carry stage 1 and B's four members and no blast probability.
    assertThat(labels)
        .allSatisfy(
            l -> {
              boolean cascaded =
                  l.getCountable() && Set.of("lymphocyte", "lymphoblast").contains(l.getWbcClass());
              assertThat(l.getBlastProbability() != null).isEqualTo(cascaded);
              assertThat(l.getMembers()).hasSize(cascaded ? 6 : 4);
            });
    assertThat(labels)
        .allMatch(l -> l.getDetectorModel().getName().equals("wbc-detector"))
        .allMatch(l -> l.getCaseId().equals(l.getCellId().split("/")[0]));

    List<DeadLetter> letters = TopicReader.values(config, Topics.CELL_CROPS_DLQ);
    assertThat(letters).hasSize(2);
    assertThat(letters).allMatch(l -> l.getService().equals("classifier"));
    assertThat(letters)
        .extracting(DeadLetter::getCaseId)
        .containsExactlyInAnyOrder("case-c", "case-d");
    assertThat(letters)
        .filteredOn(l -> "case-c".equals(l.getCaseId()))
        .singleElement()
        .satisfies(
            l -> assertThat(l.getErrorMessage()).contains("image/png bytes could not be decoded"));

    given().get("/q/health/ready").then().statusCode(200).body(containsString("blast=blast-vit"));
    // Labels are counted, and a poll acknowledged, when the broker has its labels: the count
    // follows them, and the group's committed offsets reach the end of the topic.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .get("/q/metrics")
                    .then()
                    .statusCode(200)
                    .body(
                        containsString("leukostream_classifier_labels_total " + good.size() + ".0"))
                    .body(containsString("leukostream_classifier_dead_letters_total 2.0"))
                    .body(containsString("leukostream_classifier_batch_size_count")));
    String exposition = given().get("/q/metrics").asString();
    Files.writeString(Path.of("target/metrics-classifier.prom"), exposition);
    MetricsScrape scrape = MetricsScrape.parse(exposition);
    assertThat(
            SloMetrics.missing(
                "classifier",
                scrape,
                Set.of(SloMetrics.ALWAYS, SloMetrics.AFTER_CASE, SloMetrics.AFTER_DEAD_LETTER)))
        .isEmpty();
    assertThat(scrape.sum("leukostream_models_ready")).contains(1.0);
    assertThat(scrape.sum("leukostream_models_load_failed")).contains(0.0);
    assertThat(scrape.sum("leukostream_models_load_seconds"))
        .hasValueSatisfying(s -> assertThat(s).isPositive());
    assertThat(scrape.samples("leukostream_model_info"))
        .allSatisfy(
            s ->
                assertThat(s.labels())
                    .containsEntry("device", "cpu")
                    .containsKeys("stage", "model", "version"))
        .extracting(s -> s.labels().get("stage"))
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(
            scrape.sum(
                "leukostream_dead_letters_total",
                Map.of("service", "classifier", "topic", Topics.CELL_CROPS.name())))
        .contains(2.0);
    assertThat(scrape.sum("leukostream_classifier_batch_size_count"))
        .hasValueSatisfying(n -> assertThat(n).isBetween(1.0, (double) good.size()));
    assertThat(scrape.sum("leukostream_classifier_inference_seconds_count"))
        .isEqualTo(scrape.sum("leukostream_classifier_batch_size_count"));
    try (Admin admin = Admin.create(config)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(committed(admin)).isEqualTo(good.size() + 2).isEqualTo(end(admin)));
    }
  }

  /** The classifier group's committed offsets on cell.crops.v1, summed over partitions. */
  private static long committed(Admin admin) throws Exception {
    return admin
        .listConsumerGroupOffsets("leukostream-classifier")
        .partitionsToOffsetAndMetadata()
        .get()
        .entrySet()
        .stream()
        .filter(e -> e.getKey().topic().equals(Topics.CELL_CROPS.name()) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  /** The end offsets of cell.crops.v1, summed over partitions. */
  private static long end(Admin admin) throws Exception {
    var partitions =
        admin
            .describeTopics(List.of(Topics.CELL_CROPS.name()))
            .allTopicNames()
            .get()
            .get(Topics.CELL_CROPS.name())
            .partitions();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(
        p ->
            latest.put(
                new TopicPartition(Topics.CELL_CROPS.name(), p.partition()), OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().values().stream()
        .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
        .sum();
  }

  static String key(CellCrop crop) {
    return Topics.cropKey(crop.getCaseId(), crop.getFieldIndex());
  }
}
