package org.leukostream.classifier.messaging;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.DeadLetter;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.serde.SerdeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code cell.crops.v1} in batches (one poll at a time, at most {@code max-size} crops)
 * and writes one {@code cell.labels.v1} record per crop. A poll's batch is acknowledged, and its
 * offsets later committed, only after every label and dead letter it produced was written: a pod
 * killed mid-batch leaves the batch to be read again, and the aggregator counts a cell id once. A
 * crop that cannot be read or labelled goes to {@code cell.crops.dlq} and the rest of its batch
 * goes on, so a poison record never blocks its partition. An unreachable registry or broker is not
 * the record's fault: it fails the channel (health DOWN) instead.
 */
@ApplicationScoped
public class CropConsumer {
  public static final String SERVICE = "classifier";
  private static final Logger LOG = LoggerFactory.getLogger(CropConsumer.class);

  private final ClassifierRuntime runtime;
  private final MutinyEmitter<CellLabel> labels;
  private final MutinyEmitter<DeadLetter> deadLetters;
  private final Deserializer<CellCrop> crops;
  private final ImageRefs images;
  private final int maxBatch;
  private final Duration sendTimeout;
  private final Counter cropsIn;
  private final Counter labelsOut;
  private final Counter deadLettered;
  private final DistributionSummary batchSize;
  private final Timer inference;

  public CropConsumer(
      ClassifierRuntime runtime,
      ClassifierConfig config,
      @Channel("cell-labels") MutinyEmitter<CellLabel> labels,
      @Channel("cell-crops-dlq") MutinyEmitter<DeadLetter> deadLetters,
      @ConfigProperty(name = "schema.registry.url") String registryUrl,
      MeterRegistry registry) {
    this.runtime = runtime;
    this.labels = labels;
    this.deadLetters = deadLetters;
    this.crops =
        Topics.CELL_CROPS
            .valueSerde(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl))
            .deserializer();
    // Crops are inline PNGs of at most the topic's message size; no claim checks.
    this.images =
        new ImageRefs(List.of(), Topics.CELL_CROPS.maxMessageBytes(), config.cropMaxPixels());
    this.sendTimeout = config.sendTimeout();
    this.maxBatch = config.batch().maxSize();
    this.cropsIn = registry.counter("leukostream.classifier.crops");
    this.labelsOut = registry.counter("leukostream.classifier.labels");
    this.deadLettered = registry.counter("leukostream.classifier.dead.letters");
    this.batchSize =
        DistributionSummary.builder("leukostream.classifier.batch.size")
            .description("Crops per inference batch")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
            .register(registry);
    this.inference =
        Timer.builder("leukostream.classifier.inference")
            .description("Wall time of one inference batch, all stages")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** A crop that was read and decoded, with where it came from. */
  private record Readable(ConsumerRecord<String, byte[]> record, CellCrop crop, Image image) {}

  @Incoming("cell-crops")
  @Blocking
  public void consume(ConsumerRecords<String, byte[]> records) throws InterruptedException {
    try (var lease = runtime.lease()) {
      consume(records, lease.value());
    }
  }

  private void consume(ConsumerRecords<String, byte[]> records, CellLabeller labeller) {
    cropsIn.increment(records.count());
    List<Uni<Void>> sends = new ArrayList<>(records.count());
    List<Readable> readable = new ArrayList<>(records.count());
    for (ConsumerRecord<String, byte[]> record : records) {
      CellCrop crop;
      try {
        crop = record.value() == null ? null : crops.deserialize(record.topic(), record.value());
      } catch (RegistryUnavailableException e) {
        throw e; // not the record's fault: stop rather than dead-letter good crops
      } catch (RuntimeException e) {
        sends.add(
            deadLetter(
                record,
                Topics.caseOfCropKey(record.key()),
                e,
                "undecodable record: " + e.getMessage()));
        continue;
      }
      if (crop == null) {
        sends.add(
            deadLetter(
                record,
                Topics.caseOfCropKey(record.key()),
                new IllegalArgumentException("empty record"),
                "tombstone"));
        continue;
      }
      try {
        Image image = ImageFactory.getInstance().fromImage(images.decode(crop.getCrop()));
        readable.add(new Readable(record, crop, image));
      } catch (ImageRejectedException e) {
        if (runtime.shuttingDown()) {
          throw new IllegalStateException("Shutting down: crop left for redelivery", e);
        }
        sends.add(deadLetter(record, crop.getCaseId(), e, e.getMessage()));
      }
    }
    for (int from = 0; from < readable.size(); from += maxBatch) {
      List<Readable> batch = readable.subList(from, Math.min(readable.size(), from + maxBatch));
      for (CellLabel label : label(labeller, batch, sends)) {
        sends.add(labels.sendMessage(keyed(label.getCaseId(), label)));
        labelsOut.increment();
      }
    }
    Uni.join().all(sends).andFailFast().await().atMost(sendTimeout);
  }

  /**
   * The batch's labels; when the batch fails as a whole, its crops one at a time, so that only the
   * crop that fails alone is dead-lettered.
   */
  private List<CellLabel> label(
      CellLabeller labeller, List<Readable> batch, List<Uni<Void>> sends) {
    try {
      long start = System.nanoTime();
      List<CellLabel> out =
          labeller.label(
              batch.stream().map(Readable::crop).toList(),
              batch.stream().map(Readable::image).toList());
      inference.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      batchSize.record(batch.size());
      return out;
    } catch (TranslateException | RuntimeException e) {
      if (runtime.shuttingDown()) {
        throw new IllegalStateException("Shutting down: batch left for redelivery", e);
      }
      if (batch.size() == 1) {
        Readable only = batch.get(0);
        sends.add(
            deadLetter(
                only.record(), only.crop().getCaseId(), e, "classifier failed: " + e.getMessage()));
        return List.of();
      }
      LOG.warn(
          "Batch of {} failed ({}); labelling its crops one by one", batch.size(), e.toString());
      List<CellLabel> out = new ArrayList<>();
      for (Readable one : batch) {
        out.addAll(label(labeller, List.of(one), sends));
      }
      return out;
    }
  }

  private Uni<Void> deadLetter(
      ConsumerRecord<String, byte[]> record, String caseId, Exception error, String reason) {
    LOG.warn(
        "{}[{}]@{} (key {}) dead-lettered: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        reason);
    deadLettered.increment();
    DeadLetter letter =
        DeadLetters.of(SERVICE, record, record.value(), caseId, error, Instant.now());
    return deadLetters.sendMessage(keyed(record.key(), letter));
  }

  private static <T> Message<T> keyed(String key, T value) {
    return Message.of(value)
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
  }
}
