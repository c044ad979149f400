package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.leukostream.aggregator.streams.AggregatorRuns.finals;
import static org.leukostream.aggregator.streams.AggregatorRuns.labelledSoFar;
import static org.leukostream.aggregator.streams.AggregatorRuns.sendLabels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * The broker goes away in the middle of the stream and comes back (a rolling restart, a node lost):
 * the exactly-once aggregator and the idempotent producers in front of it carry on, and every case
 * ends with one FINAL of exactly its counts, nothing dead-lettered. On a broker of its own, since
 * it is restarted.
 */
class BrokerRestartIT {
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
  void casesStreamedAcrossABrokerRestartEndWithExactCountsAndOneFinalEach() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<SyntheticCase> cases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      cases.add(SyntheticCase.of("restart-" + i + "-" + run, 4, 400, 40 + 60 * i));
    }
    KafkaStreams aggregator = start("it-aggregator-" + run);
    try (var events = stack.producer(Topics.CASE_EVENTS);
        var fields = stack.producer(Topics.FIELD_RESULTS);
        var labels = stack.producer(Topics.CELL_LABELS)) {
      for (SyntheticCase c : cases) {
        events.send(new ProducerRecord<>(Topics.CASE_EVENTS.name(), c.caseId(), c.opened()));
        for (int f = 0; f < 4; f++) {
          fields.send(
              new ProducerRecord<>(Topics.FIELD_RESULTS.name(), c.caseId(), c.fieldResult(f)));
        }
        sendLabels(labels, c, 0);
      }
      labels.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> cases.stream().allMatch(c -> labelledSoFar(stack, c.caseId()) == 100));

      // The rest of every case streams on while the broker is down for a few seconds.
      CompletableFuture<Void> rest =
          CompletableFuture.runAsync(
              () -> {
                for (int f = 1; f < 4; f++) {
                  for (SyntheticCase c : cases) {
                    for (CellLabel label : c.fields().get(f)) {
                      labels.send(
                          new ProducerRecord<>(Topics.CELL_LABELS.name(), c.caseId(), label));
                      pause(2);
                    }
                  }
                }
                cases.forEach(
                    c ->
                        events.send(
                            new ProducerRecord<>(
                                Topics.CASE_EVENTS.name(), c.caseId(), c.closed())));
              });
      pause(200);
      stack.broker().restart(Duration.ofSeconds(3));
      rest.get();
      labels.flush();
      events.flush();

      await()
          .atMost(Duration.ofMinutes(3))
          .until(() -> finals(stack, ids(cases)).size() == cases.size());
      assertThat(aggregator.state()).isEqualTo(KafkaStreams.State.RUNNING);
    } finally {
      aggregator.close(Duration.ofSeconds(30));
    }
    Map<String, Diagnosis> finals = finals(stack, ids(cases));
    for (int i = 0; i < cases.size(); i++) {
      Diagnosis last = finals.get(cases.get(i).caseId());
      assertThat(last.getIncompleteReason()).as(last.getCaseId()).isNull();
      assertThat(last.getCellsLabelled()).isEqualTo(400);
      assertThat(last.getCellsCounted()).isEqualTo(400);
      assertThat(last.getLymphoblasts()).isEqualTo(40 + 60 * i);
    }
    assertThat(stack.readAll(Topics.AGGREGATOR_DLQ)).isEmpty();
  }

  private static KafkaStreams start(String applicationId) throws Exception {
    var settings =
        new AggregatorSettings(
            new RuleSettings(
                "zhou-2021", Comparison.GREATER_THAN, 20, 200, LabelPolicy.B_CLASS_A_BLAST, 0.5),
            new Taxonomy("lymphoblast", Set.of("lymphocyte"), Set.of("platelet")),
            Duration.ofMillis(500),
            Duration.ofMinutes(10),
            Duration.ofMillis(200),
            Duration.ofDays(1),
            AggregatorSettings.Upstream.NONE,
            java.util.Optional.empty());
    return AggregatorRuns.start(stack, applicationId, settings);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Set<String> ids(List<SyntheticCase> cases) {
    return Set.copyOf(cases.stream().map(SyntheticCase::caseId).toList());
  }
}
