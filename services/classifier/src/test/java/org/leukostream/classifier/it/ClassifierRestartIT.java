package org.leukostream.classifier.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;

/**
 * The packaged classifier stopped in the middle of its work, as Kubernetes does it: a SIGTERM
 * (graceful: the batch in hand is finished and written, the process exits), then a SIGKILL (the pod
 * killed mid-batch: nothing is committed for the batch in hand). After each a new process takes
 * over the consumer group, and in the end every crop has a label: no cell is lost. Cells labelled
 * twice (redelivery after the kill) are fine; the aggregator counts each cell id once.
 */
class ClassifierRestartIT {
  static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");
  static final int CROPS = 480;

  static EmbeddedStack stack;

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void noCropIsLeftUnlabelledAfterAGracefulStopAndAKill() throws Exception {
    assertThat(APP).as("packaged application (mvn package)").exists();
    List<CellCrop> crops = new ArrayList<>();
    for (int c = 0; c < CROPS / 60; c++) {
      crops.addAll(TestCrops.of("restart-" + c, 60));
    }
    try (var producer = stack.producer(Topics.CELL_CROPS)) {
      for (CellCrop crop : crops) {
        producer.send(
            new ProducerRecord<>(
                Topics.CELL_CROPS.name(),
                Topics.cropKey(crop.getCaseId(), crop.getFieldIndex()),
                crop));
      }
    }
    // One consumer follows the labels as they come, so a stop lands while work remains.
    try (var labels = TopicReader.consumer(stack.clientConfig(), Topics.CELL_LABELS)) {
      Set<String> labelled = new HashSet<>();

      Process first = launch("first");
      follow(labels, labelled, 40);
      first.toHandle().destroy(); // SIGTERM
      assertThat(first.waitFor(90, TimeUnit.SECONDS)).as("stopped gracefully in 90 s").isTrue();
      int afterFirst = follow(labels, labelled, 0);
      assertThat(afterFirst).as("first process stopped before the end").isLessThan(CROPS);

      Process second = launch("second");
      follow(labels, labelled, afterFirst + 40);
      second.destroyForcibly(); // SIGKILL, mid-batch
      second.waitFor(30, TimeUnit.SECONDS);
      assertThat(labelled.size()).as("second process killed before the end").isLessThan(CROPS);

      Process third = launch("third");
      try {
        follow(labels, labelled, CROPS);
      } finally {
        third.destroy();
        third.waitFor(60, TimeUnit.SECONDS);
      }
      Set<String> expected = new HashSet<>();
      crops.forEach(c -> expected.add(c.getCellId()));
      assertThat(labelled).isEqualTo(expected);
    }
  }

  /** Reads labels into {@code labelled} until it holds at least {@code atLeast} cell ids. */
  static int follow(KafkaConsumer<String, CellLabel> labels, Set<String> labelled, int atLeast) {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    do {
      for (var record : labels.poll(Duration.ofMillis(100))) {
        labelled.add(record.value().getCellId());
      }
    } while (labelled.size() < atLeast && System.nanoTime() < deadline);
    assertThat(labelled.size()).as("cells labelled").isGreaterThanOrEqualTo(atLeast);
    return labelled.size();
  }

  /** The packaged service against the test's broker, with the initialised test models. */
  static Process launch(String name) throws IOException {
    Map<String, String> settings = new HashMap<>(TestCrops.modelConfig());
    settings.put("leukostream.classifier.batch.max-size", "16");
    settings.put("leukostream.classifier.batch.warm-up", "1");
    // The killed member's partitions move after its session times out: the broker's minimum.
    settings.put("mp.messaging.incoming.cell-crops.session.timeout.ms", "6000");
    settings.put("mp.messaging.incoming.cell-crops.heartbeat.interval.ms", "2000");
    return PackagedService.launch(stack, APP, "restart-it", name, settings);
  }
}
