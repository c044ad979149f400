package org.leukostream.detector.messaging;

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
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.SlideField;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.field.FieldDetector;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.serde.SerdeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code slide.fields.v1}: for each field, its crops on {@code cell.crops.v1} and its
 * result on {@code field.results.v1}; a field that cannot be used gets a REJECTED result and its
 * record, with the reason, on {@code slide.fields.dlq}. The record is acknowledged (and its offset
 * later committed) only after everything it produced was written, so a crash resends it; the resent
 * field yields the same cell ids. Values are read as bytes and decoded here, so that a record no
 * schema can read is dead-lettered with its bytes instead of stopping the partition. An unreachable
 * registry or broker is not the record's fault: it fails the channel (health DOWN) rather than
 * dead-letter good records.
 */
@ApplicationScoped
public class FieldConsumer {
  public static final String SERVICE = "detector";
  private static final Logger LOG = LoggerFactory.getLogger(FieldConsumer.class);

  private final DetectorRuntime runtime;
  private final Duration sendTimeout;
  private final MutinyEmitter<CellCrop> crops;
  private final MutinyEmitter<FieldResult> results;
  private final MutinyEmitter<DeadLetter> deadLetters;
  private final Deserializer<SlideField> fields;
  private final Counter processed;
  private final Counter rejected;
  private final Counter deadLettered;
  private final Counter cells;
  private final Timer inference;
  private final DistributionSummary cellsPerField;

  public FieldConsumer(
      DetectorRuntime runtime,
      DetectorConfig config,
      @Channel("cell-crops") MutinyEmitter<CellCrop> crops,
      @Channel("field-results") MutinyEmitter<FieldResult> results,
      @Channel("slide-fields-dlq") MutinyEmitter<DeadLetter> deadLetters,
      @ConfigProperty(name = "schema.registry.url") String registryUrl,
      MeterRegistry registry) {
    this.runtime = runtime;
    this.sendTimeout = config.sendTimeout();
    this.crops = crops;
    this.results = results;
    this.deadLetters = deadLetters;
    this.fields =
        Topics.SLIDE_FIELDS
            .valueSerde(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl))
            .deserializer();
    this.processed = registry.counter("leukostream.detector.fields", "outcome", "processed");
    this.rejected = registry.counter("leukostream.detector.fields", "outcome", "rejected");
    this.deadLettered = registry.counter("leukostream.detector.dead.letters");
    this.cells = registry.counter("leukostream.detector.cells");
    this.inference =
        Timer.builder("leukostream.detector.inference")
            .description("Detector forward pass per field")
            .publishPercentileHistogram()
            .register(registry);
    this.cellsPerField =
        DistributionSummary.builder("leukostream.detector.cells.per.field")
            .publishPercentileHistogram()
            .register(registry);
  }

  @Incoming("slide-fields")
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    try (var lease = runtime.lease()) {
      consume(record, lease.value().fields());
    }
  }

  private void consume(ConsumerRecord<String, byte[]> record, FieldDetector detector) {
    SlideField field;
    try {
      field = record.value() == null ? null : fields.deserialize(record.topic(), record.value());
    } catch (RegistryUnavailableException e) {
      throw e; // not the record's fault: stop rather than dead-letter good fields
    } catch (RuntimeException e) {
      deadLetter(record, record.key(), e, "undecodable record: " + e.getMessage());
      return;
    }
    if (field == null) {
      deadLetter(record, record.key(), new IllegalArgumentException("empty record"), "tombstone");
      return;
    }
    try {
      FieldDetector.Detection detection = detector.detect(field);
      inference.record((long) (detection.inferenceMillis() * 1e6), TimeUnit.NANOSECONDS);
      List<Uni<Void>> sends = new ArrayList<>(detection.crops().size() + 1);
      String cropKey = Topics.cropKey(field.getCaseId(), field.getFieldIndex());
      for (CellCrop crop : detection.crops()) {
        sends.add(crops.sendMessage(keyed(cropKey, crop)));
      }
      sends.add(results.sendMessage(keyed(field.getCaseId(), detection.result())));
      await(sends);
      processed.increment();
      cells.increment(detection.crops().size());
      cellsPerField.record(detection.crops().size());
      LOG.debug(
          "Case {} field {}: {} cells",
          field.getCaseId(),
          field.getFieldIndex(),
          detection.crops().size());
    } catch (ImageRejectedException | TranslateException e) {
      if (runtime.shuttingDown()) {
        throw new IllegalStateException("Shutting down: field left for redelivery", e);
      }
      String reason =
          e instanceof TranslateException ? "detector failed: " + e.getMessage() : e.getMessage();
      rejected.increment();
      await(
          List.of(
              results.sendMessage(
                  keyed(
                      field.getCaseId(),
                      FieldDetector.rejected(field, reason, detector.model(), Instant.now())))));
      deadLetter(record, field.getCaseId(), e, reason);
    }
  }

  private void deadLetter(
      ConsumerRecord<String, byte[]> record, String caseId, Exception error, String reason) {
    LOG.warn(
        "{}[{}]@{} (case {}) dead-lettered: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        caseId,
        reason);
    DeadLetter letter =
        DeadLetters.of(SERVICE, record, record.value(), caseId, error, Instant.now());
    await(List.of(deadLetters.sendMessage(keyed(record.key(), letter))));
    deadLettered.increment();
  }

  private static <T> Message<T> keyed(String key, T value) {
    return Message.of(value)
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
  }

  private void await(List<Uni<Void>> sends) {
    Uni.join().all(sends).andFailFast().await().atMost(sendTimeout);
  }
}
