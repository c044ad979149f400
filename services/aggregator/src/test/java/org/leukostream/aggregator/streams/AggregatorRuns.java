package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;

/**
 * What the aggregator's broker tests share: an exactly-once instance on a state directory of its
 * own, labels of a case's field written, and what the aggregator decided read back.
 */
final class AggregatorRuns {
  private AggregatorRuns() {}

  /** A running aggregator instance of {@code applicationId} on a new, empty state directory. */
  static KafkaStreams start(EmbeddedStack stack, String applicationId, AggregatorSettings settings)
      throws Exception {
    var streams =
        AggregatorTopology.standalone(
            stack.streams(applicationId, Files.createTempDirectory("aggregator-it-state-")),
            settings,
            AggregatorMetrics.NONE);
    streams.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> streams.state() == KafkaStreams.State.RUNNING);
    return streams;
  }

  /** The labels of field {@code field} of {@code c}, sent (not flushed). */
  static void sendLabels(KafkaProducer<String, CellLabel> labels, SyntheticCase c, int field) {
    c.fields()
        .get(field)
        .forEach(l -> labels.send(new ProducerRecord<>(Topics.CELL_LABELS.name(), c.caseId(), l)));
  }

  /** The FINAL of each of {@code caseIds} decided so far; a second FINAL of a case fails. */
  static Map<String, Diagnosis> finals(EmbeddedStack stack, Set<String> caseIds) {
    Map<String, Diagnosis> out = new HashMap<>();
    for (Diagnosis d : diagnoses(stack)) {
      if (caseIds.contains(d.getCaseId()) && d.getStatus() == DiagnosisStatus.FINAL) {
        assertThat(out.put(d.getCaseId(), d)).as("second FINAL for %s", d.getCaseId()).isNull();
      }
    }
    return out;
  }

  /** The most labels any diagnosis of {@code caseId} has counted so far. */
  static int labelledSoFar(EmbeddedStack stack, String caseId) {
    return diagnoses(stack).stream()
        .filter(d -> d.getCaseId().equals(caseId))
        .mapToInt(Diagnosis::getCellsLabelled)
        .max()
        .orElse(0);
  }

  private static List<Diagnosis> diagnoses(EmbeddedStack stack) {
    return stack.readAll(Topics.DIAGNOSES).stream().map(ConsumerRecord::value).toList();
  }
}
