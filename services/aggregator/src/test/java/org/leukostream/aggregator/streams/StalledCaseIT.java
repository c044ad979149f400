package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.leukostream.aggregator.streams.AggregatorRuns.finals;
import static org.leukostream.aggregator.streams.AggregatorRuns.labelledSoFar;
import static org.leukostream.aggregator.streams.AggregatorRuns.sendLabels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.decision.LabelPolicy;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.Diagnosis;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;

/**
 * Outages longer than the incomplete timeout, on a broker of its own (its crops are not Avro, and
 * its stand-in classifier group must see only its own): a case waiting on a classifier that is down
 * is not finalised early, and an aggregator stopped with a backlog ends its cases as a run without
 * the stop would. A case silent although nothing is queued for it still ends INCOMPLETE.
 */
class StalledCaseIT {
  static final Duration TIMEOUT = Duration.ofSeconds(3);
  static EmbeddedStack stack;

  @BeforeAll
  static void startStack() {
    stack = EmbeddedStack.start();
  }

  @AfterAll
  static void stopStack() {
    stack.close();
  }

  @Test
  void aClassifierDownPastTheTimeoutLeavesNoCaseIncompleteAndNoCellUnlabelled() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String classifier = "it-classifier-" + run;
    SyntheticCase waiting = SyntheticCase.of("waiting-" + run, 2, 200, 60);
    SyntheticCase stalled = SyntheticCase.of("stalled-" + run, 2, 200, 60);
    catchUp(classifier);
    KafkaStreams aggregator = start("it-aggregator-" + run, classifier);
    try (var events = stack.producer(Topics.CASE_EVENTS);
        var fields = stack.producer(Topics.FIELD_RESULTS);
        var labels = stack.producer(Topics.CELL_LABELS);
        var crops = bytesProducer()) {
      // Waiting: both fields detected, field 1's crops queued before the classifier, which is down.
      events.send(record(Topics.CASE_EVENTS.name(), waiting.caseId(), waiting.opened()));
      for (int f = 0; f < 2; f++) {
        fields.send(record(Topics.FIELD_RESULTS.name(), waiting.caseId(), waiting.fieldResult(f)));
      }
      sendLabels(labels, waiting, 0);
      for (CellLabel cell : waiting.fields().get(1)) {
        crops.send(
            new ProducerRecord<>(
                Topics.CELL_CROPS.name(), waiting.caseId(), cell.getCellId().getBytes()));
      }
      events.send(record(Topics.CASE_EVENTS.name(), waiting.caseId(), waiting.closed()));
      // Stalled: its CLOSED declares two fields, and field 1 never comes.
      events.send(record(Topics.CASE_EVENTS.name(), stalled.caseId(), stalled.opened()));
      fields.send(record(Topics.FIELD_RESULTS.name(), stalled.caseId(), stalled.fieldResult(0)));
      sendLabels(labels, stalled, 0);
      events.send(record(Topics.CASE_EVENTS.name(), stalled.caseId(), stalled.closed()));
      crops.flush();
      events.flush();

      await()
          .pollDelay(TIMEOUT.multipliedBy(4))
          .atMost(TIMEOUT.multipliedBy(6))
          .until(() -> finals(stack, Set.of(waiting.caseId(), stalled.caseId())).isEmpty());

      // The classifier is back: labels written, then its offsets committed, as the service does.
      sendLabels(labels, waiting, 1);
      labels.flush();
      catchUp(classifier);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> finals(stack, Set.of(waiting.caseId(), stalled.caseId())).size() == 2);
    } finally {
      aggregator.close(Duration.ofSeconds(30));
    }
    Map<String, Diagnosis> finals = finals(stack, Set.of(waiting.caseId(), stalled.caseId()));
    assertThat(finals.get(waiting.caseId()).getIncompleteReason()).isNull();
    assertThat(finals.get(waiting.caseId()).getCellsLabelled()).isEqualTo(200);
    assertThat(finals.get(stalled.caseId()).getIncompleteReason())
        .isEqualTo("1 of 2 fields without a result");
  }

  @Test
  void anAggregatorStoppedPastTheTimeoutWithABacklogEndsItsCasesAsWithoutTheStop()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String classifier = "it-classifier-" + run;
    String applicationId = "it-aggregator-" + run;
    SyntheticCase backlogged = SyntheticCase.of("backlogged-" + run, 4, 400, 100);
    List<SyntheticCase> queued = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      queued.add(SyntheticCase.of("queued-" + i + "-" + run, 4, 400, 20 * i));
    }
    catchUp(classifier);
    try (var events = stack.producer(Topics.CASE_EVENTS);
        var fields = stack.producer(Topics.FIELD_RESULTS);
        var labels = stack.producer(Topics.CELL_LABELS)) {
      KafkaStreams first = start(applicationId, classifier);
      events.send(record(Topics.CASE_EVENTS.name(), backlogged.caseId(), backlogged.opened()));
      for (int f = 0; f < 4; f++) {
        fields.send(
            record(Topics.FIELD_RESULTS.name(), backlogged.caseId(), backlogged.fieldResult(f)));
      }
      sendLabels(labels, backlogged, 0);
      labels.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> labelledSoFar(stack, backlogged.caseId()) == 100);
      first.close(Duration.ofSeconds(30));

      // Stopped: other cases, then the rest of this one, queue up and age past the timeout.
      SyntheticCase.publish(stack.clientConfig(), queued);
      for (int f = 1; f < 4; f++) {
        sendLabels(labels, backlogged, f);
      }
      events.send(record(Topics.CASE_EVENTS.name(), backlogged.caseId(), backlogged.closed()));
      events.flush();
      labels.flush();
      await().pollDelay(TIMEOUT.multipliedBy(3)).until(() -> true);

      KafkaStreams second = start(applicationId, classifier); // empty state: from the changelog
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> finals(stack, ids(queued, backlogged)).size() == queued.size() + 1);
      } finally {
        second.close(Duration.ofSeconds(30));
      }
    }
    Map<String, Diagnosis> finals = finals(stack, ids(queued, backlogged));
    Diagnosis last = finals.get(backlogged.caseId());
    assertThat(last.getIncompleteReason()).isNull();
    assertThat(last.getCellsLabelled()).isEqualTo(400);
    assertThat(last.getLymphoblasts()).isEqualTo(100);
    for (int i = 0; i < queued.size(); i++) {
      Diagnosis queuedFinal = finals.get(queued.get(i).caseId());
      assertThat(queuedFinal.getIncompleteReason()).isNull();
      assertThat(queuedFinal.getLymphoblasts()).isEqualTo(20 * i);
    }
  }

  private static Set<String> ids(List<SyntheticCase> cases, SyntheticCase more) {
    Set<String> ids = new HashSet<>();
    cases.forEach(c -> ids.add(c.caseId()));
    ids.add(more.caseId());
    return ids;
  }

  private static KafkaStreams start(String applicationId, String classifierGroup) throws Exception {
    var settings =
        new AggregatorSettings(
            new RuleSettings(
                "zhou-2021", Comparison.GREATER_THAN, 20, 100, LabelPolicy.B_CLASS_A_BLAST, 0.5),
            new Taxonomy("lymphoblast", Set.of("lymphocyte"), Set.of("platelet")),
            Duration.ofMillis(500),
            TIMEOUT,
            Duration.ofMillis(200),
            Duration.ofDays(1),
            new AggregatorSettings.Upstream(
                List.of(
                    new AggregatorSettings.Upstream.Stage(
                        classifierGroup, Set.of(Topics.CELL_CROPS.name()))),
                Duration.ofMillis(300)),
            java.util.Optional.empty());
    return AggregatorRuns.start(stack, applicationId, settings);
  }

  /** The stand-in classifier reads every crop so far and commits, as the service does. */
  private static void catchUp(String group) {
    Map<String, Object> config = new HashMap<>(stack.clientConfig());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.CELL_CROPS.name()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200));
                var assigned = consumer.assignment();
                if (assigned.isEmpty()) {
                  return false;
                }
                var ends = consumer.endOffsets(assigned);
                return assigned.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
              });
      consumer.commitSync();
    }
  }

  private static KafkaProducer<String, byte[]> bytesProducer() {
    Map<String, Object> config = new HashMap<>(stack.clientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static <V> ProducerRecord<String, V> record(String topic, String key, V value) {
    return new ProducerRecord<>(topic, key, value);
  }
}
