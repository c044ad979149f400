package org.leukostream.review.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.CellReview;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.SchemaRegistries;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.synthetic.SyntheticCase;

class ReviewTopologyTest {
  static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
  private final String scope = "review-" + UUID.randomUUID();
  private final Map<String, String> serdeConfig =
      Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
  private TopologyTestDriver driver;
  private ReviewViews views;

  @BeforeEach
  void start() throws Exception {
    Path stateDir = Files.createTempDirectory("review-test-");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "review-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(ReviewTopology.build(serdeConfig, Duration.ofDays(2)), props, T0);
    views =
        new ReviewViews(
            new ReviewViews.Stores() {
              @Override
              public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return driver.getKeyValueStore(name);
              }
            });
  }

  @AfterEach
  void stop() {
    driver.close();
    SchemaRegistries.dropMockScope(scope);
  }

  @Test
  void aCaseIsShownWithItsCellsCropsReviewsAndSignOff() {
    SyntheticCase c = SyntheticCase.of("case-view", 2, 40, 10);
    publish(c);
    pipe(
        Topics.DIAGNOSES,
        c.caseId(),
        ReviewFixtures.diagnosis(c, DiagnosisStatus.FINAL, 3, 40, 10));

    ReviewViews.CaseDetail detail = views.caseDetail(c.caseId()).orElseThrow();
    assertThat(detail.entry().status()).isEqualTo("FINAL");
    assertThat(detail.entry().patientKey()).isEqualTo(SyntheticCase.patientKey(c.caseId()));
    assertThat(detail.entry().diagnosis().blastPercent()).isEqualTo(25.0);
    assertThat(detail.cells()).hasSize(40).allMatch(ReviewViews.CellCard::hasCrop);
    assertThat(detail.cells()).filteredOn(x -> "lymphoblast".equals(x.currentClass())).hasSize(10);
    assertThat(detail.classes())
        .contains("lymphoblast", "lymphocyte", "neutrophil", "monocyte", "eosinophil");
    String blast =
        detail.cells().stream()
            .filter(x -> "lymphoblast".equals(x.currentClass()))
            .findFirst()
            .orElseThrow()
            .cellId();
    assertThat(views.crop(c.caseId(), blast).orElseThrow().inline())
        .startsWith(0x89, 'P', 'N', 'G');

    pipe(Topics.CELL_REVIEWS, c.caseId(), review(c, blast, "lymphocyte", 5));
    pipe(Topics.CELL_REVIEWS, c.caseId(), review(c, blast, "monocyte", 1)); // older: ignored
    CellEntry reviewed = views.cell(c.caseId(), blast).orElseThrow();
    assertThat(reviewed.reviewed()).isTrue();
    assertThat(reviewed.currentClass()).isEqualTo("lymphocyte");
    assertThat(reviewed.modelClass()).isEqualTo("lymphoblast");
    assertThat(reviewed.reviewerId()).isEqualTo("dr-haem-07");
    pipe(Topics.CELL_LABELS, c.caseId(), c.fields().get(0).get(0)); // redelivered label
    assertThat(views.cell(c.caseId(), blast).orElseThrow().reviewed()).isTrue();

    pipe(Topics.CASE_EVENTS, c.caseId(), signed(c));
    assertThat(views.caseEntry(c.caseId()).orElseThrow().signedBy()).isEqualTo("dr-haem-07");
    assertThat(views.caseEntry(c.caseId()).orElseThrow().status()).isEqualTo("SIGNED");
    // An older diagnosis changes nothing; a new revision needs a new sign-off.
    pipe(
        Topics.DIAGNOSES,
        c.caseId(),
        ReviewFixtures.diagnosis(c, DiagnosisStatus.FINAL, 2, 40, 10));
    assertThat(views.caseEntry(c.caseId()).orElseThrow().signed()).isTrue();
    pipe(
        Topics.DIAGNOSES, c.caseId(), ReviewFixtures.diagnosis(c, DiagnosisStatus.FINAL, 4, 40, 9));
    CaseEntry revised = views.caseEntry(c.caseId()).orElseThrow();
    assertThat(revised.signed()).isFalse();
    assertThat(revised.status()).isEqualTo("FINAL");
    assertThat(revised.diagnosis().lymphoblasts()).isEqualTo(9);

    // A label that carries ensemble A's operating point shows it beside the blast probability.
    org.leukostream.avro.CellLabel measured =
        org.leukostream.avro.CellLabel.newBuilder(c.fields().get(0).get(0))
            .setCellId(c.caseId() + "-measured")
            .setBlastProbability(0.72)
            .setBlastThreshold(0.6948)
            .build();
    pipe(Topics.CELL_LABELS, c.caseId(), measured);
    assertThat(views.cell(c.caseId(), measured.getCellId()).orElseThrow().blastThreshold())
        .isEqualTo(0.6948);
    assertThat(views.cell(c.caseId(), blast).orElseThrow().blastThreshold()).isNull();
  }

  @Test
  void theWorklistPutsBorderlineFirstThenUnsignedThenNewest() {
    SyntheticCase older = SyntheticCase.of("case-older", 1, 10, 1);
    SyntheticCase newer = SyntheticCase.of("case-newer", 1, 10, 1);
    SyntheticCase borderline = SyntheticCase.of("case-borderline", 1, 10, 2);
    SyntheticCase signed = SyntheticCase.of("case-signed", 1, 10, 5);
    for (SyntheticCase c : List.of(older, signed, borderline)) {
      publish(c);
      driver.advanceWallClockTime(Duration.ofMinutes(1));
    }
    publish(newer);
    pipe(
        Topics.DIAGNOSES,
        older.caseId(),
        ReviewFixtures.diagnosis(older, DiagnosisStatus.FINAL, 1, 300, 30));
    pipe(
        Topics.DIAGNOSES,
        newer.caseId(),
        ReviewFixtures.diagnosis(newer, DiagnosisStatus.FINAL, 1, 300, 30));
    pipe(
        Topics.DIAGNOSES,
        borderline.caseId(),
        ReviewFixtures.diagnosis(borderline, DiagnosisStatus.FINAL, 1, 300, 62));
    pipe(
        Topics.DIAGNOSES,
        signed.caseId(),
        ReviewFixtures.diagnosis(signed, DiagnosisStatus.FINAL, 1, 300, 120));
    pipe(Topics.CASE_EVENTS, signed.caseId(), signed(signed));

    assertThat(views.worklist(Optional.empty()))
        .extracting(CaseEntry::caseId)
        .containsExactly("case-borderline", "case-newer", "case-older", "case-signed");
    assertThat(views.worklist(Optional.of("signed")))
        .extracting(CaseEntry::caseId)
        .containsExactly("case-signed");
    assertThat(views.patient(SyntheticCase.patientKey("case-older")))
        .extracting(CaseEntry::caseId)
        .containsExactly("case-older");
  }

  @Test
  void aCaseUntouchedForTheRetentionLeavesTheViewWithItsCellsAndCrops() {
    SyntheticCase c = SyntheticCase.of("case-old", 1, 5, 1);
    publish(c);
    String cell = c.fields().get(0).get(0).getCellId();
    driver.advanceWallClockTime(Duration.ofDays(1));
    assertThat(views.caseEntry(c.caseId())).isPresent();

    driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(2));

    assertThat(views.caseEntry(c.caseId())).isEmpty();
    assertThat(views.cell(c.caseId(), cell)).isEmpty();
    assertThat(views.crop(c.caseId(), cell)).isEmpty();
  }

  private void publish(SyntheticCase c) {
    // Opened one minute after the case before: the worklist's "newest first" does not hang on the
    // clock.
    CaseEvent opened =
        CaseEvent.newBuilder(c.opened()).setOccurredAt(T0.plusSeconds(60L * opened())).build();
    pipe(Topics.CASE_EVENTS, c.caseId(), opened);
    int i = 0;
    for (List<CellLabel> field : c.fields()) {
      for (CellLabel label : field) {
        pipe(
            Topics.CELL_CROPS,
            Topics.cropKey(c.caseId(), label.getFieldIndex()),
            ReviewFixtures.crop(label, i++));
        pipe(Topics.CELL_LABELS, c.caseId(), label);
      }
    }
    pipe(Topics.CASE_EVENTS, c.caseId(), c.closed());
  }

  private int casesOpened;

  private int opened() {
    return casesOpened++;
  }

  private static CaseEvent signed(SyntheticCase c) {
    return CaseEvent.newBuilder(c.closed())
        .setType(CaseEventType.SIGNED)
        .setExpectedFields(null)
        .setReviewerId("dr-haem-07")
        .build();
  }

  private static CellReview review(SyntheticCase c, String cellId, String toClass, int seconds) {
    return CellReview.newBuilder()
        .setReviewId(UUID.randomUUID().toString())
        .setCaseId(c.caseId())
        .setCellId(cellId)
        .setFromClass("lymphoblast")
        .setToClass(toClass)
        .setReviewerId("dr-haem-07")
        .setReviewedAt(T0.plusSeconds(seconds))
        .build();
  }

  private <V extends org.apache.avro.specific.SpecificRecord> void pipe(
      Topic<V> topic, String key, V value) {
    driver
        .createInputTopic(
            topic.name(), new StringSerializer(), topic.valueSerde(serdeConfig).serializer())
        .pipeInput(key, value);
  }
}
