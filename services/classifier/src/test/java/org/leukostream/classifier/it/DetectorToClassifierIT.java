package org.leukostream.classifier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.SlideField;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticFields;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.training.testing.TestModels;

/**
 * Both packaged services against one real broker: synthetic fields on {@code slide.fields.v1}
 * become crops in the detector (the small detector trained on synthetic fields) and a label per
 * detected cell in the classifier. Prints the classifier's rate through Kafka and its batch sizes.
 */
class DetectorToClassifierIT {
  static final Path DETECTOR =
      Path.of("..", "detector", "target", "quarkus-app", "quarkus-run.jar");
  static final Path CLASSIFIER = Path.of("target", "quarkus-app", "quarkus-run.jar");

  @Test
  void everyDetectedCellOfEveryFieldGetsALabel() throws Exception {
    assertThat(DETECTOR).as("detector packaged first in the reactor").exists();
    int fieldCount = Integer.getInteger("pipeline.fields", 10);
    List<SmearField> fields = TestModels.fields(4242, fieldCount);
    Path detectorModel = TestModels.syntheticDetector();
    Map<String, String> classifierModels = TestCrops.modelConfig();
    try (EmbeddedStack stack = EmbeddedStack.start()) {
      Map<String, Object> config = stack.clientConfig();
      List<Process> services = new ArrayList<>();
      try {
        services.add(
            PackagedService.launch(
                stack,
                DETECTOR,
                "pipeline-it",
                "detector",
                Map.of(
                    "leukostream.detector.model",
                    detectorModel.toString(),
                    "leukostream.detector.score-threshold",
                    "0.3")));
        // With -Dpipeline.backlog=true the classifier starts once the detector is done, alone on
        // the
        // CPU with every crop waiting: its rate through Kafka, for the benchmark figures.
        boolean backlog = Boolean.getBoolean("pipeline.backlog");
        if (!backlog) {
          services.add(
              PackagedService.launch(
                  stack, CLASSIFIER, "pipeline-it", "classifier", classifierModels));
        }
        try (var producer = stack.producer(Topics.SLIDE_FIELDS)) {
          for (int i = 0; i < fields.size(); i++) {
            SlideField field = SyntheticFields.inline("pipeline", i, fields.get(i));
            producer.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "pipeline", field));
          }
        }
        List<FieldResult> results =
            await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () -> TopicReader.values(config, Topics.FIELD_RESULTS),
                    r -> r.size() == fieldCount);
        assertThat(results).allMatch(r -> r.getStatus() == FieldStatus.PROCESSED);
        Set<String> detected = new HashSet<>();
        results.forEach(r -> detected.addAll(r.getCellIds()));
        assertThat(detected.size())
            .as("six cells per field")
            .isBetween(5 * fieldCount, 7 * fieldCount);
        if (backlog) {
          services.add(
              PackagedService.launch(
                  stack, CLASSIFIER, "pipeline-it", "classifier", classifierModels));
        }

        List<CellLabel> labels =
            await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () -> TopicReader.values(config, Topics.CELL_LABELS),
                    l ->
                        l.stream().map(CellLabel::getCellId).distinct().count() >= detected.size());
        Set<String> labelled = new HashSet<>();
        labels.forEach(l -> labelled.add(l.getCellId()));
        assertThat(labelled).isEqualTo(detected);

        long first =
            labels.stream().mapToLong(l -> l.getLabelledAt().toEpochMilli()).min().orElse(0);
        long last =
            labels.stream().mapToLong(l -> l.getLabelledAt().toEpochMilli()).max().orElse(0);
        IntSummaryStatistics batches =
            labels.stream().mapToInt(CellLabel::getBatchSize).summaryStatistics();
        System.out.printf(
            "pipeline: %d fields, %d cells labelled; classifier%s: %.1f cells/s between its first"
                + " and last label; batch sizes %d..%d (mean per cell %.1f)%n",
            fieldCount,
            labelled.size(),
            backlog ? " on the backlog" : " alongside the detector",
            labels.size() * 1000.0 / Math.max(1, last - first),
            batches.getMin(),
            batches.getMax(),
            batches.getAverage());
      } finally {
        for (Process service : services) {
          service.destroy();
          service.waitFor(60, TimeUnit.SECONDS);
        }
      }
    }
  }
}
