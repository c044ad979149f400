package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.decision.LabelPolicy;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.aggregator.state.CaseState;
import org.leukostream.aggregator.state.CellKey;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.CellReview;
import org.leukostream.avro.ClassCount;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.SpecimenType;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.registry.SchemaRegistries;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.schemas.signoff.SignOffSeal;
import org.leukostream.synthetic.SyntheticCase;

class AggregatorTopologyTest {
  static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
  static final SignOffSeal SEAL = new SignOffSeal("aggregator-topology-test-seal-key-0123456");
  static final Taxonomy TAXONOMY =
      new Taxonomy("lymphoblast", Set.of("lymphocyte"), Set.of("platelet"));

  private final String scope = "aggregator-" + UUID.randomUUID();
  private final Map<String, String> serdeConfig =
      Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
  private TopologyTestDriver driver;
  private Path stateDir;
  private TestInputTopic<String, CaseEvent> caseEvents;
  private TestInputTopic<String, FieldResult> fieldResults;
  private TestInputTopic<String, CellLabel> labels;
  private TestInputTopic<String, CellReview> reviews;
  private TestOutputTopic<String, Diagnosis> diagnoses;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  /** Thrown by the topology's metrics while set: a fault that is not the record's. */
  private volatile RuntimeException outage;

  /** The pipeline watermark the topology sees: null, caught up (the wall clock). */
  private volatile Long drainedUntil;

  @BeforeEach
  void start() throws Exception {
    start(Comparison.GREATER_THAN);
  }

  void start(Comparison comparison) throws Exception {
    start(new RuleSettings("zhou-2021", comparison, 20, 200, LabelPolicy.B_CLASS_A_BLAST, 0.5));
  }

  void start(RuleSettings rule) throws Exception {
    if (driver != null) {
      driver.close();
    }
    var settings =
        new AggregatorSettings(
            rule,
            TAXONOMY,
            Duration.ofSeconds(5),
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            Duration.ofDays(1),
            AggregatorSettings.Upstream.NONE,
            Optional.of(SEAL));
    stateDir = Files.createTempDirectory("aggregator-test-");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "aggregator-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            AggregatorTopology.build(
                settings,
                serdeConfig,
                new AggregatorMetrics() {
                  @Override
                  public void labelCounted() {
                    if (outage != null) {
                      throw outage;
                    }
                  }
                },
                now -> drainedUntil == null ? now : drainedUntil),
            props,
            T0);
    var keys = new StringSerializer();
    caseEvents =
        driver.createInputTopic(
            Topics.CASE_EVENTS.name(),
            keys,
            Topics.CASE_EVENTS.valueSerde(serdeConfig).serializer());
    fieldResults =
        driver.createInputTopic(
            Topics.FIELD_RESULTS.name(),
            keys,
            Topics.FIELD_RESULTS.valueSerde(serdeConfig).serializer());
    labels =
        driver.createInputTopic(
            Topics.CELL_LABELS.name(),
            keys,
            Topics.CELL_LABELS.valueSerde(serdeConfig).serializer());
    reviews =
        driver.createInputTopic(
            Topics.CELL_REVIEWS.name(),
            keys,
            Topics.CELL_REVIEWS.valueSerde(serdeConfig).serializer());
    diagnoses =
        driver.createOutputTopic(
            Topics.DIAGNOSES.name(),
            new StringDeserializer(),
            Topics.DIAGNOSES.valueSerde(serdeConfig).deserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.AGGREGATOR_DLQ.name(),
            new StringDeserializer(),
            Topics.AGGREGATOR_DLQ.valueSerde(serdeConfig).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    SchemaRegistries.dropMockScope(scope);
  }

  @Test
  void thirtyPercentBlastsOfThreeHundredCellsIsAll() {
    Diagnosis diagnosis = runCase("case-all", 300, 90);

    assertThat(diagnosis.getStatus()).isEqualTo(DiagnosisStatus.FINAL);
    assertThat(diagnosis.getDecision()).isEqualTo(Decision.ALL);
    assertThat(diagnosis.getCellsCounted()).isEqualTo(300);
    assertThat(diagnosis.getLymphoblasts()).isEqualTo(90);
    assertThat(diagnosis.getBlastPercent()).isEqualTo(30.0);
    assertThat(diagnosis.getBlastPercentLower95()).isLessThan(30).isGreaterThan(20);
    assertThat(diagnosis.getBorderline()).isFalse();
    assertThat(diagnosis.getPatientKey()).isEqualTo(SyntheticCase.patientKey("case-all"));
    assertThat(diagnosis.getModels()).contains(SyntheticCase.DETECTOR);
  }

  @Test
  void theOrderNumberOfTheOpenedEventTravelsOnEveryDiagnosisOfTheCase() {
    SyntheticCase feed = SyntheticCase.of("case-ordered", 5, 300, 90);
    caseEvents.pipeInput(
        feed.caseId(), CaseEvent.newBuilder(feed.opened()).setAccession("ACC-2026-0042").build());
    for (int f = 0; f < feed.fields().size(); f++) {
      field(feed, f);
      label(feed, f);
    }
    close(feed); // CLOSED carries no accession: the OPENED one stands

    List<Diagnosis> all =
        diagnoses.readKeyValuesToList().stream()
            .filter(kv -> kv.key.equals("case-ordered"))
            .map(kv -> kv.value)
            .toList();
    assertThat(all).isNotEmpty().allMatch(d -> "ACC-2026-0042".equals(d.getAccession()));
    assertThat(all).filteredOn(d -> d.getStatus() == DiagnosisStatus.FINAL).hasSize(1);
    assertThat(runCase("case-unordered", 300, 90).getAccession()).isNull();
  }

  /**
   * With the chain's call rates, 22% called blasts (ALL on the raw share) is a normal marrow the
   * chain over-calls: the FINAL carries raw and adjusted figures, the rates, and decides NOT_ALL on
   * the adjusted estimate.
   */
  @Test
  void withCallRatesTheFinalDecidesOnTheAdjustedEstimate() throws Exception {
    var rates = new org.leukostream.aggregator.decision.CallRates(0.8, 0.15, 200, 600, "test");
    start(
        new RuleSettings(
                "zhou-2021", Comparison.GREATER_THAN, 20, 200, LabelPolicy.B_CLASS_A_BLAST, 0.5)
            .withRates(rates, true));
    Diagnosis diagnosis = runCase("case-adjusted", 300, 66);

    assertThat(diagnosis.getBlastPercent()).isEqualTo(22.0);
    assertThat(diagnosis.getDecision()).isEqualTo(Decision.NOT_ALL);
    assertThat(diagnosis.getDecidedOnAdjusted()).isTrue();
    assertThat(diagnosis.getAdjustedBlastPercent())
        .isCloseTo(100 * (0.22 - 0.15) / 0.65, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(diagnosis.getAdjustedBlastPercentLower95())
        .isLessThan(diagnosis.getAdjustedBlastPercent());
    assertThat(diagnosis.getAdjustedBlastPercentUpper95())
        .isGreaterThan(diagnosis.getAdjustedBlastPercent());
    assertThat(diagnosis.getBlastCallRates().getTruePositiveRate()).isEqualTo(0.8);
    assertThat(diagnosis.getBlastCallRates().getMeasuredOn()).isEqualTo("test");
  }

  @Test
  void withoutCallRatesOnlyTheRawShareIsReported() {
    Diagnosis diagnosis = runCase("case-raw", 300, 66);

    assertThat(diagnosis.getDecision()).isEqualTo(Decision.ALL);
    assertThat(diagnosis.getAdjustedBlastPercent()).isNull();
    assertThat(diagnosis.getBlastCallRates()).isNull();
    assertThat(diagnosis.getDecidedOnAdjusted()).isFalse();
  }

  @Test
  void fivePercentIsNotAll() {
    Diagnosis diagnosis = runCase("case-normal", 300, 15);

    assertThat(diagnosis.getDecision()).isEqualTo(Decision.NOT_ALL);
    assertThat(diagnosis.getBlastPercent()).isEqualTo(5.0);
  }

  @Test
  void oneHundredFiftyCellsAreInsufficient() {
    Diagnosis diagnosis = runCase("case-few", 150, 60);

    assertThat(diagnosis.getStatus()).isEqualTo(DiagnosisStatus.FINAL);
    assertThat(diagnosis.getDecision()).isEqualTo(Decision.INSUFFICIENT_CELLS);
  }

  @Test
  void exactlyTwentyPercentFollowsTheConfiguredComparison() throws Exception {
    assertThat(runCase("case-gt", 300, 60).getDecision()).isEqualTo(Decision.NOT_ALL);

    start(Comparison.GREATER_OR_EQUAL);
    assertThat(runCase("case-ge", 300, 60).getDecision()).isEqualTo(Decision.ALL);
  }

  @Test
  void missingFieldEndsIncompleteAfterTheTimeout() {
    String caseId = "case-stalled";
    SyntheticCase feed = SyntheticCase.of(caseId, 2, 200, 60);
    open(feed);
    field(feed, 0);
    label(feed, 0);
    close(feed); // field 1 never arrives

    driver.advanceWallClockTime(Duration.ofMinutes(9));
    assertThat(finals(caseId)).isEmpty();
    driver.advanceWallClockTime(Duration.ofMinutes(2));

    List<Diagnosis> finals = finals(caseId);
    assertThat(finals).hasSize(1);
    assertThat(finals.get(0).getDecision()).isEqualTo(Decision.INCOMPLETE);
    assertThat(finals.get(0).getIncompleteReason()).contains("1 of 2 fields without a result");
    assertThat(finals.get(0).getCellsCounted()).isEqualTo(100);
    driver.advanceWallClockTime(Duration.ofMinutes(30));
    assertThat(finals(caseId)).isEmpty();
  }

  @Test
  void aCaseWaitingOnAStageThatIsBehindIsNotStalledAndEndsComplete() {
    String caseId = "case-waiting";
    SyntheticCase feed = SyntheticCase.of(caseId, 2, 200, 60);
    open(feed);
    field(feed, 0);
    field(feed, 1);
    label(feed, 0);
    close(feed); // field 1's labels are queued before a classifier that is down
    drainedUntil = T0.toEpochMilli();

    driver.advanceWallClockTime(Duration.ofMinutes(45));
    assertThat(finals(caseId)).as("no INCOMPLETE while the pipeline is behind").isEmpty();
    label(feed, 1); // the classifier is back

    List<Diagnosis> finals = finals(caseId);
    assertThat(finals).hasSize(1);
    assertThat(finals.get(0).getIncompleteReason()).isNull();
    assertThat(finals.get(0).getCellsLabelled()).isEqualTo(200);
  }

  @Test
  void whileThePipelineHasNotBeenSeenNoCaseIsStalled() {
    String caseId = "case-unseen";
    SyntheticCase feed = SyntheticCase.of(caseId, 2, 200, 60);
    open(feed);
    field(feed, 0);
    label(feed, 0);
    close(feed);
    drainedUntil = PipelineWatermark.UNKNOWN;

    driver.advanceWallClockTime(Duration.ofHours(2));
    assertThat(finals(caseId)).isEmpty();
    drainedUntil = null; // seen, and drained: the case has been silent for two hours
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertThat(finals(caseId))
        .singleElement()
        .satisfies(d -> assertThat(d.getDecision()).isEqualTo(Decision.INCOMPLETE));
  }

  @Test
  void everyLabelTwiceGivesTheSameCountsAndOneFinal() {
    String caseId = "case-dup";
    SyntheticCase feed = SyntheticCase.of(caseId, 3, 300, 90);
    open(feed);
    for (int f = 0; f < 3; f++) {
      field(feed, f);
      field(feed, f); // a redelivered field result
    }
    labelAll(feed);
    labelAll(feed);
    close(feed);
    labelAll(feed); // after the FINAL too

    List<Diagnosis> finals = finals(caseId);
    assertThat(finals).hasSize(1);
    assertThat(finals.get(0).getCellsCounted()).isEqualTo(300);
    assertThat(finals.get(0).getCellsLabelled()).isEqualTo(300);
    assertThat(finals.get(0).getCellsDetected()).isEqualTo(300);
    assertThat(finals.get(0).getLymphoblasts()).isEqualTo(90);
    assertThat(finals.get(0).getDecision()).isEqualTo(Decision.ALL);
  }

  @Test
  void aCaseAnEarlierReleaseOpenedIsCountedOnWhereThatReleaseKeptItsCells() {
    String caseId = "case-upgrade";
    SyntheticCase feed = SyntheticCase.of(caseId, 2, 300, 60);
    open(feed);
    field(feed, 0);
    label(feed, 0);
    // What an earlier release left: the case in the legacy cell-key layout, its cells under the
    // keys that release wrote (case id, NUL, cell id).
    KeyValueStore<String, CaseState> cases = driver.getKeyValueStore(AggregatorTopology.CASE_STORE);
    KeyValueStore<Bytes, Integer> cells = driver.getKeyValueStore(AggregatorTopology.CELL_STORE);
    CaseState state = cases.get(caseId);
    state.cellKeys = CellKey.LEGACY;
    cases.put(caseId, state);
    for (CellLabel label : feed.fields().get(0)) {
      Bytes now = CellKey.of(CellKey.HASHED, caseId, label.getCellId());
      Integer flags = cells.get(now);
      assertThat(flags).isNotNull();
      cells.delete(now);
      cells.put(CellKey.of(CellKey.LEGACY, caseId, label.getCellId()), flags);
    }
    driver.advanceWallClockTime(Duration.ofSeconds(2)); // a punctuation: the processor rereads

    label(feed, 0); // redelivered: found under the legacy keys, not counted again
    field(feed, 1);
    label(feed, 1);
    close(feed);

    List<Diagnosis> finals = finals(caseId);
    assertThat(finals)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getCellsLabelled()).isEqualTo(300);
              assertThat(f.getCellsCounted()).isEqualTo(300);
              assertThat(f.getLymphoblasts()).isEqualTo(60);
            });
    assertThat(
            cells.get(CellKey.of(CellKey.LEGACY, caseId, feed.fields().get(1).get(0).getCellId())))
        .as("new cells of the case go where its old ones are")
        .isNotNull();

    driver.advanceWallClockTime(Duration.ofDays(2)); // past final-retention: forgotten
    assertThat(cases.get(caseId)).isNull();
    try (var left = cells.all()) {
      assertThat(left.hasNext()).as("no cell of the forgotten case is left").isFalse();
    }
  }

  @Test
  void labelsBeforeOpenAndAfterCloseAreCounted() {
    String caseId = "case-order";
    SyntheticCase feed = SyntheticCase.of(caseId, 2, 240, 72);
    label(feed, 0); // before the case is opened
    open(feed);
    field(feed, 0);
    field(feed, 1);
    close(feed);
    assertThat(finals(caseId)).isEmpty();
    label(feed, 1); // after the close

    List<Diagnosis> finals = finals(caseId);
    assertThat(finals).hasSize(1);
    assertThat(finals.get(0).getCellsCounted()).isEqualTo(240);
    assertThat(finals.get(0).getLymphoblasts()).isEqualTo(72);
    assertThat(finals.get(0).getOpenedAt()).isNotNull();
  }

  @Test
  void preliminaryUpdatesAreRateLimited() {
    SyntheticCase feed = SyntheticCase.of("case-prelim", 1, 50, 10);
    open(feed);
    field(feed, 0);
    label(feed, 0);

    List<Diagnosis> first = diagnoses.readValuesToList();
    assertThat(first).hasSize(1); // the first label; the other 49 fall inside the interval
    assertThat(first.get(0).getStatus()).isEqualTo(DiagnosisStatus.PRELIMINARY);

    driver.advanceWallClockTime(
        Duration.ofSeconds(6)); // the pending update goes out on punctuation
    List<Diagnosis> second = diagnoses.readValuesToList();
    assertThat(second).hasSize(1);
    assertThat(second.get(0).getCellsLabelled()).isEqualTo(50);
    assertThat(second.get(0).getSequence()).isGreaterThan(first.get(0).getSequence());

    // The punctuation wrote the case's state itself: the next record of the case reads that, not
    // the state the processor held from the label before it.
    close(feed);
    List<Diagnosis> last = diagnoses.readValuesToList();
    assertThat(last)
        .singleElement()
        .extracting(Diagnosis::getStatus)
        .isEqualTo(DiagnosisStatus.FINAL);
    assertThat(last.get(0).getSequence()).isGreaterThan(second.get(0).getSequence());
  }

  @Test
  void unprocessableRecordGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
    caseEvents.pipeInput(
        "case-bad",
        CaseEvent.newBuilder()
            .setCaseId("case-bad")
            .setPatientKey(SyntheticCase.patientKey("case-bad"))
            .setType(CaseEventType.CLOSED)
            .setOccurredAt(T0)
            .build()); // CLOSED without expectedFields

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getOriginalTopic()).isEqualTo(Topics.CASE_EVENTS.name());
    assertThat(letters.get(0).getErrorMessage()).contains("expectedFields");
    assertThat(letters.get(0).getValue()).isNotNull();
    assertThat(runCase("case-after-bad", 300, 90).getDecision()).isEqualTo(Decision.ALL);
  }

  @Test
  void aPatientReferenceThatIsNotAPseudonymIsDeadLetteredAndRepeatedNowhere() {
    String clear = "MRN-0042-DOE";
    caseEvents.pipeInput(
        "case-clear",
        CaseEvent.newBuilder()
            .setCaseId("case-clear")
            .setPatientKey(clear)
            .setType(CaseEventType.OPENED)
            .setSpecimenType(SpecimenType.BONE_MARROW)
            .setOccurredAt(T0)
            .build());

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).getErrorMessage()).contains("not a pseudonym").doesNotContain(clear);
    assertThat(diagnoses.readValuesToList()).isEmpty();
    assertThat(runCase("case-after-clear", 300, 90).getPatientKey())
        .isEqualTo(SyntheticCase.patientKey("case-after-clear"));
  }

  @Test
  void completenessIsTheSetOfDeclaredFieldsOutOfRangeAndContradictoryRecordsAreDeadLettered() {
    SyntheticCase feed = SyntheticCase.of("case-set", 3, 300, 90);
    open(feed);
    field(feed, 0);
    label(feed, 0);
    close(feed); // 3 fields
    caseEvents.pipeInput(
        feed.caseId(), CaseEvent.newBuilder(feed.closed()).setExpectedFields(1).build());
    fieldResults.pipeInput(
        feed.caseId(), FieldResult.newBuilder(feed.fieldResult(1)).setFieldIndex(7).build());
    caseEvents.pipeInput(feed.caseId(), feed.closed()); // the same CLOSED again: a redelivery

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).getErrorMessage()).contains("second CLOSED").contains("first stands");
    assertThat(letters.get(1).getErrorMessage()).contains("field index 7").contains("3 fields");
    assertThat(finals(feed.caseId())).as("two of three fields: not complete").isEmpty();

    for (int f = 1; f < 3; f++) {
      field(feed, f);
      label(feed, f);
    }
    List<Diagnosis> finals = finals(feed.caseId());
    assertThat(finals).hasSize(1);
    assertThat(finals.get(0).getFieldsSeen()).isEqualTo(3);
    assertThat(finals.get(0).getCellsCounted()).isEqualTo(300);
  }

  @Test
  void aClosedCountBelowAFieldAlreadyReportedIsDeadLetteredNotAnEarlyFinal() {
    SyntheticCase feed = SyntheticCase.of("case-short", 4, 200, 20);
    open(feed);
    field(feed, 0);
    label(feed, 0);
    field(feed, 3);
    label(feed, 3);
    caseEvents.pipeInput(
        feed.caseId(), CaseEvent.newBuilder(feed.closed()).setExpectedFields(2).build());

    assertThat(deadLetters.readValuesToList())
        .singleElement()
        .satisfies(l -> assertThat(l.getErrorMessage()).contains("field index 3"));
    assertThat(finals(feed.caseId())).isEmpty();
  }

  @Test
  void lateRecordsAfterTheFinalAreDeadLetteredAndAfterAReopeningTheirReplayIsANewRevision() {
    SyntheticCase feed = SyntheticCase.of("case-late", 2, 200, 60);
    open(feed);
    field(feed, 0);
    label(feed, 0);
    close(feed);
    driver.advanceWallClockTime(Duration.ofMinutes(11)); // FINAL INCOMPLETE: field 1 missing
    Diagnosis first = finals(feed.caseId()).get(0);
    assertThat(first.getIncompleteReason()).contains("1 of 2 fields");

    field(feed, 1);
    label(feed, 1);
    field(feed, 0); // a redelivered field: a duplicate, not late
    label(feed, 0); // redelivered labels: duplicates too

    List<DeadLetter> late = deadLetters.readValuesToList();
    assertThat(late).hasSize(1 + 100);
    assertThat(late.get(0).getErrorMessage())
        .contains("late field result")
        .contains("after its FINAL");
    assertThat(late.subList(1, late.size()))
        .allSatisfy(l -> assertThat(l.getErrorMessage()).contains("late label"));
    assertThat(finals(feed.caseId())).isEmpty();

    // The laboratory reopens the case and replays what was dead-lettered.
    CaseEvent reopened =
        CaseEvent.newBuilder(feed.closed())
            .setType(CaseEventType.REOPENED)
            .setExpectedFields(null)
            .setComment("field 1 arrived after the timeout")
            .build();
    caseEvents.pipeInput(feed.caseId(), reopened); // not through the bridge: no seal
    var forged = SEAL.seal(CaseEvent.newBuilder(reopened).setType(CaseEventType.SIGNED).build());
    caseEvents.pipeInput(
        new TestRecord<>(
            feed.caseId(),
            reopened,
            new RecordHeaders().add(SignOffSeal.HEADER, forged.getBytes(StandardCharsets.UTF_8))));
    assertThat(deadLetters.readValuesToList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l.getErrorMessage()).contains("without the bridge's seal"));
    caseEvents.pipeInput(
        new TestRecord<>(
            feed.caseId(),
            reopened,
            new RecordHeaders()
                .add(SignOffSeal.HEADER, SEAL.seal(reopened).getBytes(StandardCharsets.UTF_8))));
    assertThat(finals(feed.caseId())).isEmpty();
    field(feed, 1);
    label(feed, 1);
    label(feed, 0); // still duplicates after the reopening: counted once

    Diagnosis revised = finals(feed.caseId()).get(0);
    assertThat(revised.getIncompleteReason()).isNull();
    assertThat(revised.getCellsLabelled()).isEqualTo(200);
    assertThat(revised.getLymphoblasts()).isEqualTo(60);
    assertThat(revised.getSequence()).isGreaterThan(first.getSequence());
    assertThat(deadLetters.readValuesToList()).isEmpty();
  }

  @Test
  void recordsOfACaseNoEventNamedAreDroppedAtTheTimeoutNotReported() {
    SyntheticCase feed = SyntheticCase.of("case-unknown", 2, 200, 60);
    field(feed, 0);
    label(feed, 0);
    driver.advanceWallClockTime(Duration.ofMinutes(11));

    assertThat(diagnoses.readValuesToList())
        .noneMatch(d -> d.getStatus() == DiagnosisStatus.FINAL)
        .allMatch(d -> d.getCaseId().equals(feed.caseId()));
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    assertThat(finals(feed.caseId())).isEmpty();
    assertThat(runCase("case-known", 300, 90).getPatientKey())
        .isEqualTo(SyntheticCase.patientKey("case-known"));
  }

  @Test
  void anUnreachableRegistryStopsTheStreamInsteadOfDeadLetteringAGoodLabel() {
    SyntheticCase feed = SyntheticCase.of("case-registry-down", 1, 200, 60);
    open(feed);
    field(feed, 0);
    outage = new RegistryUnavailableException("Schema registry answered 503", 50300);

    assertThatThrownBy(() -> labels.pipeInput(feed.caseId(), feed.fields().get(0).get(0)))
        .hasRootCauseInstanceOf(RegistryUnavailableException.class);
    assertThat(deadLetters.isEmpty()).as("not the record's fault").isTrue();
  }

  @Test
  void aLabelOfACellNoFieldResultReportedIsNeverCounted() {
    SyntheticCase feed = SyntheticCase.of("case-undetected", 2, 200, 60);
    CellLabel real = feed.fields().get(0).get(0);
    CellLabel stray =
        CellLabel.newBuilder(real)
            .setCellId("no-field-reported-this")
            .setWbcClass("lymphoblast")
            .setBlastProbability(0.99)
            .build();
    open(feed);
    labels.pipeInput(feed.caseId(), stray); // before the fields: held, like any early label
    label(feed, 0); // before its field result: held, then counted when it comes
    field(feed, 0);
    field(feed, 1);
    label(feed, 1);
    close(feed);

    Diagnosis last = finals(feed.caseId()).get(0);
    assertThat(last.getIncompleteReason()).isNull();
    assertThat(last.getCellsLabelled()).isEqualTo(200);
    assertThat(last.getCellsCounted()).isEqualTo(200);
    assertThat(last.getLymphoblasts()).isEqualTo(60);
  }

  @Test
  void aDuplicateOlderThanTheRetentionOfDecidedCasesIsDeadLetteredNotResurrected() {
    SyntheticCase feed = SyntheticCase.of("case-forgotten", 2, 200, 60);
    Instant written = T0.plusSeconds(1);
    caseEvents.pipeInput(feed.caseId(), feed.opened(), written);
    for (int f = 0; f < 2; f++) {
      fieldResults.pipeInput(feed.caseId(), feed.fieldResult(f), written);
      for (var label : feed.fields().get(f)) {
        labels.pipeInput(feed.caseId(), label, written);
      }
    }
    caseEvents.pipeInput(feed.caseId(), feed.closed(), written);
    assertThat(finals(feed.caseId())).hasSize(1);
    driver.advanceWallClockTime(Duration.ofDays(2)); // past final-retention: the case is forgotten
    deadLetters.readValuesToList();

    // The scanner's producer redelivers its old OPENED and CLOSED, the classifier an old label.
    caseEvents.pipeInput(feed.caseId(), feed.opened(), written);
    labels.pipeInput(feed.caseId(), feed.fields().get(0).get(0), written);
    caseEvents.pipeInput(feed.caseId(), feed.closed(), written);
    driver.advanceWallClockTime(Duration.ofMinutes(30));

    assertThat(finals(feed.caseId())).as("no second report").isEmpty();
    assertThat(deadLetters.readValuesToList())
        .hasSize(3)
        .allSatisfy(
            letter -> assertThat(letter.getErrorMessage()).contains("decided and forgotten"));
  }

  /**
   * A reviewer moves cells of a decided case: the models' call of each is taken out and the
   * reviewer's put in, once; a run of reviews makes one FINAL revision; a redelivered or older
   * review changes nothing; a cell moved twice is counted once, under its last class.
   */
  @Test
  void reviewsOfADecidedCaseReplaceTheModelsCallsOnceInOneRevision() {
    SyntheticCase feed = SyntheticCase.of("case-reviewed", 5, 300, 62);
    Diagnosis decided = runCase(feed);
    assertThat(decided.getDecision()).isEqualTo(Decision.ALL); // 62 / 300 = 20.7%
    List<String> blasts =
        feed.fields().stream()
            .flatMap(List::stream)
            .filter(l -> l.getWbcClass().equals("lymphoblast"))
            .map(CellLabel::getCellId)
            .limit(4)
            .toList();
    List<CellReview> moved =
        List.of(
            review(feed, blasts.get(0), "lymphocyte", 1),
            review(feed, blasts.get(1), "lymphocyte", 2),
            review(feed, blasts.get(2), "lymphocyte", 3),
            review(feed, blasts.get(3), null, 4)); // not countable
    moved.forEach(r -> reviews.pipeInput(feed.caseId(), r));
    assertThat(finals(feed.caseId())).isEmpty(); // within the interval: waits for the run to end

    driver.advanceWallClockTime(Duration.ofSeconds(6));
    Diagnosis revised = finals(feed.caseId()).get(0);
    assertThat(revised.getSequence()).isGreaterThan(decided.getSequence());
    assertThat(revised.getLymphoblasts()).isEqualTo(58);
    assertThat(revised.getCellsCounted()).isEqualTo(299);
    assertThat(revised.getCellsUncountable()).isEqualTo(1);
    assertThat(revised.getCellsReviewed()).isEqualTo(4);
    assertThat(revised.getDecision()).isEqualTo(Decision.NOT_ALL); // 58 / 299 = 19.4%
    assertThat(count(revised, "lymphoblast")).isEqualTo(58);
    assertThat(count(revised, "lymphocyte")).isEqualTo(count(decided, "lymphocyte") + 3);
    assertThat(deadLetters.readValuesToList()).isEmpty();

    // Redelivered, and an older review of a cell a later one moved: nothing changes.
    moved.forEach(r -> reviews.pipeInput(feed.caseId(), r));
    reviews.pipeInput(feed.caseId(), review(feed, blasts.get(0), "monocyte", 0));
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    assertThat(finals(feed.caseId())).isEmpty();

    // Moved back: counted once more as a blast, still one reviewed cell.
    reviews.pipeInput(feed.caseId(), review(feed, blasts.get(0), "lymphoblast", 5));
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    Diagnosis back = finals(feed.caseId()).get(0);
    assertThat(back.getLymphoblasts()).isEqualTo(59);
    assertThat(back.getCellsCounted()).isEqualTo(299);
    assertThat(back.getCellsReviewed()).isEqualTo(4);
    assertThat(back.getSequence()).isGreaterThan(revised.getSequence());
    assertThat(deadLetters.readValuesToList()).isEmpty();
  }

  @Test
  void aReviewBeforeTheFinalIsCountedInIt() {
    SyntheticCase feed = SyntheticCase.of("case-early-review", 2, 250, 50);
    open(feed);
    field(feed, 0);
    label(feed, 0);
    String blast = feed.fields().get(0).get(0).getCellId();
    reviews.pipeInput(feed.caseId(), review(feed, blast, "lymphocyte", 1));
    field(feed, 1);
    label(feed, 1);
    close(feed);

    Diagnosis decided = finals(feed.caseId()).get(0);
    assertThat(decided.getLymphoblasts()).isEqualTo(49);
    assertThat(decided.getCellsCounted()).isEqualTo(250);
    assertThat(decided.getCellsReviewed()).isEqualTo(1);
    assertThat(decided.getDecision()).isEqualTo(Decision.NOT_ALL);
  }

  @Test
  void aReviewOfAnUnknownCellOrCaseOrOfNoClassIsDeadLetteredWithTheReason() {
    SyntheticCase feed = SyntheticCase.of("case-odd-reviews", 2, 220, 20);
    Diagnosis decided = runCase(feed);
    String cell = feed.fields().get(0).get(0).getCellId();

    reviews.pipeInput(feed.caseId(), review(feed, "no-such-cell", "lymphocyte", 1));
    reviews.pipeInput("case-never-seen", review(feed, cell, "lymphocyte", 2));
    reviews.pipeInput(feed.caseId(), review(feed, cell, "<script>", 3));
    SyntheticCase waiting = SyntheticCase.of("case-label-waiting", 1, 10, 1);
    open(waiting);
    label(waiting, 0); // labels before their field result: held, not counted
    reviews.pipeInput(
        waiting.caseId(),
        review(waiting, waiting.fields().get(0).get(0).getCellId(), "lymphocyte", 4));

    List<DeadLetter> refused = deadLetters.readValuesToList();
    assertThat(refused)
        .extracting(DeadLetter::getErrorMessage)
        .satisfiesExactly(
            m -> assertThat(m).contains("no-such-cell").contains("the case has no such cell"),
            m -> assertThat(m).contains("case-never-seen").contains("does not know"),
            m -> assertThat(m).contains("no valid class"),
            m -> assertThat(m).contains("not counted yet"));
    assertThat(refused)
        .allSatisfy(l -> assertThat(l.getOriginalTopic()).isEqualTo("cell.reviews.v1"));
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    assertThat(finals(feed.caseId())).isEmpty();
    assertThat(decided.getCellsReviewed()).isZero();
  }

  private static int count(Diagnosis diagnosis, String wbcClass) {
    return diagnosis.getClassCounts().stream()
        .filter(c -> c.getClassName().equals(wbcClass))
        .mapToInt(ClassCount::getCount)
        .sum();
  }

  private static CellReview review(
      SyntheticCase feed, String cellId, String toClass, int secondsAfterT0) {
    return CellReview.newBuilder()
        .setReviewId(
            UUID.nameUUIDFromBytes((cellId + toClass + secondsAfterT0).getBytes()).toString())
        .setCaseId(feed.caseId())
        .setCellId(cellId)
        .setFromClass(null)
        .setToClass(toClass)
        .setReviewerId("dr-haem-07")
        .setReviewedAt(T0.plusSeconds(secondsAfterT0))
        .build();
  }

  private Diagnosis runCase(String caseId, int cells, int blasts) {
    return runCase(SyntheticCase.of(caseId, 5, cells, blasts));
  }

  private Diagnosis runCase(SyntheticCase feed) {
    String caseId = feed.caseId();
    open(feed);
    for (int f = 0; f < feed.fields().size(); f++) {
      field(feed, f);
      label(feed, f);
    }
    close(feed);
    List<Diagnosis> finals = finals(caseId);
    assertThat(finals).hasSize(1);
    return finals.get(0);
  }

  private List<Diagnosis> finals(String caseId) {
    return diagnoses.readKeyValuesToList().stream()
        .filter(kv -> kv.key.equals(caseId))
        .map(kv -> kv.value)
        .filter(d -> d.getStatus() == DiagnosisStatus.FINAL)
        .toList();
  }

  private void open(SyntheticCase feed) {
    caseEvents.pipeInput(feed.caseId(), feed.opened());
  }

  private void close(SyntheticCase feed) {
    caseEvents.pipeInput(feed.caseId(), feed.closed());
  }

  private void field(SyntheticCase feed, int index) {
    fieldResults.pipeInput(feed.caseId(), feed.fieldResult(index));
  }

  private void label(SyntheticCase feed, int index) {
    feed.fields().get(index).forEach(l -> labels.pipeInput(feed.caseId(), l));
  }

  private void labelAll(SyntheticCase feed) {
    for (int f = 0; f < feed.fields().size(); f++) {
      label(feed, f);
    }
  }
}
