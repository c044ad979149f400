package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.leukostream.aggregator.streams.AggregatorRuns.finals;
import static org.leukostream.aggregator.streams.AggregatorRuns.labelledSoFar;
import static org.leukostream.aggregator.streams.AggregatorRuns.sendLabels;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.leukostream.aggregator.decision.LabelPolicy;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;
import org.leukostream.testkit.EmbeddedStackExtension;

/**
 * The topology against the real embedded broker with exactly-once: the cases of the driver tests
 * end with the same FINAL events, and a restart in the middle of a case, on an empty state
 * directory so the state must come back from the changelog, ends with exactly the same counts.
 */
@ExtendWith(EmbeddedStackExtension.class)
class AggregatorRestartIT {
  static final AggregatorSettings SETTINGS =
      new AggregatorSettings(
          new RuleSettings(
              "zhou-2021", Comparison.GREATER_THAN, 20, 200, LabelPolicy.B_CLASS_A_BLAST, 0.5),
          new Taxonomy("lymphoblast", Set.of("lymphocyte"), Set.of("platelet")),
          Duration.ofSeconds(5),
          Duration.ofMinutes(10),
          Duration.ofSeconds(1),
          Duration.ofDays(1),
          AggregatorSettings.Upstream.NONE,
          java.util.Optional.empty());

  @Test
  void casesEndWithTheSameFinalsAndARestartMidCaseKeepsExactCounts(EmbeddedStack stack)
      throws Exception {
    String applicationId = "aggregator-it-" + UUID.randomUUID();
    String run = UUID.randomUUID().toString().substring(0, 8);
    SyntheticCase all = SyntheticCase.of("it-all-" + run, 5, 300, 90);
    SyntheticCase normal = SyntheticCase.of("it-normal-" + run, 5, 300, 15);
    SyntheticCase few = SyntheticCase.of("it-few-" + run, 5, 150, 60);
    SyntheticCase restarted = SyntheticCase.of("it-restart-" + run, 4, 400, 100);

    try (var events = stack.producer(Topics.CASE_EVENTS);
        var fields = stack.producer(Topics.FIELD_RESULTS);
        var labels = stack.producer(Topics.CELL_LABELS)) {
      KafkaStreams first = start(stack, applicationId);
      SyntheticCase.publish(stack.clientConfig(), List.of(all, normal, few));
      // Half of the restarted case before the restart.
      events.send(
          new ProducerRecord<>(Topics.CASE_EVENTS.name(), restarted.caseId(), restarted.opened()));
      for (int f = 0; f < 2; f++) {
        fields.send(
            new ProducerRecord<>(
                Topics.FIELD_RESULTS.name(), restarted.caseId(), restarted.fieldResult(f)));
        sendLabels(labels, restarted, f);
      }
      labels.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> finals(stack, Set.of(all.caseId(), normal.caseId(), few.caseId())).size() == 3);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> labelledSoFar(stack, restarted.caseId()) == 200);
      first.close(Duration.ofSeconds(30));

      KafkaStreams second = start(stack, applicationId); // a new, empty state directory
      try {
        for (int f = 0; f < 2; f++) {
          sendLabels(labels, restarted, f); // redelivered
        }
        for (int f = 2; f < 4; f++) {
          fields.send(
              new ProducerRecord<>(
                  Topics.FIELD_RESULTS.name(), restarted.caseId(), restarted.fieldResult(f)));
          sendLabels(labels, restarted, f);
        }
        events.send(
            new ProducerRecord<>(
                Topics.CASE_EVENTS.name(), restarted.caseId(), restarted.closed()));
        events.flush();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> finals(stack, Set.of(restarted.caseId())).size() == 1);
      } finally {
        second.close(Duration.ofSeconds(30));
      }
    }

    Map<String, Diagnosis> finals =
        finals(stack, Set.of(all.caseId(), normal.caseId(), few.caseId(), restarted.caseId()));
    assertThat(finals).hasSize(4);
    assertThat(finals.get(all.caseId()).getDecision()).isEqualTo(Decision.ALL);
    assertThat(finals.get(all.caseId()).getLymphoblasts()).isEqualTo(90);
    assertThat(finals.get(normal.caseId()).getDecision()).isEqualTo(Decision.NOT_ALL);
    assertThat(finals.get(few.caseId()).getDecision()).isEqualTo(Decision.INSUFFICIENT_CELLS);
    Diagnosis afterRestart = finals.get(restarted.caseId());
    assertThat(afterRestart.getCellsCounted()).isEqualTo(400);
    assertThat(afterRestart.getCellsLabelled()).isEqualTo(400);
    assertThat(afterRestart.getLymphoblasts()).isEqualTo(100);
    assertThat(afterRestart.getDecision()).isEqualTo(Decision.ALL);
  }

  private static KafkaStreams start(EmbeddedStack stack, String applicationId) throws Exception {
    return AggregatorRuns.start(stack, applicationId, SETTINGS);
  }
}
