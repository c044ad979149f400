package org.leukostream.detector.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.FieldResult;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.core.FieldProcessor;
import org.leukostream.models.inference.ModelMeters;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetterMeters;
import org.leukostream.schemas.messaging.EmitterSink;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * The detector service's Quarkus adapter: consumes {@code slide.fields.v1} as bytes, hands each
 * record to the core ({@link FieldProcessor}: decode, detect, crops and result, REJECTED result and
 * dead letter), writes through the channels' emitters, and acknowledges the record (its offset is
 * later committed) only after everything it produced was written, so a crash resends it; the resent
 * field yields the same cell ids. Metrics are counted here.
 */
@ApplicationScoped
public class FieldConsumer {
  private final DetectorRuntime runtime;
  private final FieldProcessor processor;
  private final TopicSink sink;
  private final Duration sendTimeout;
  private final Counter processed;
  private final Counter rejected;
  private final Counter deadLettered;
  private final Counter retries;
  private final Counter cells;
  private final Timer inference;
  private final DistributionSummary cellsPerField;

  public FieldConsumer(
      DetectorRuntime runtime,
      DetectorConfig config,
      @Channel("cell-crops") MutinyEmitter<CellCrop> crops,
      @Channel("field-results") MutinyEmitter<FieldResult> results,
      @Channel("slide-fields-dlq") MutinyEmitter<DeadLetter> deadLetters,
      Config serviceConfig,
      MeterRegistry registry,
      Tracer tracer) {
    this.runtime = runtime;
    this.processor =
        new FieldProcessor(
            SerdeConfig.settings(
                SerdeConfig.MESSAGING_PREFIX,
                key -> serviceConfig.getOptionalValue(key, String.class)),
            config.retry().backoff(),
            runtime::shuttingDown,
            tracer);
    this.sink =
        new EmitterSink(
            Map.of(
                Topics.CELL_CROPS, crops,
                Topics.FIELD_RESULTS, results,
                Topics.SLIDE_FIELDS_DLQ, deadLetters));
    this.sendTimeout = config.sendTimeout();
    this.processed = registry.counter("leukostream.detector.fields", "outcome", "processed");
    this.rejected = registry.counter("leukostream.detector.fields", "outcome", "rejected");
    this.deadLettered = registry.counter("leukostream.detector.dead.letters");
    this.retries = registry.counter("leukostream.detector.retries");
    ModelMeters.bind(registry, runtime, config.device().startsWith("cuda") ? "gpu" : "cpu");
    DeadLetterMeters.bindTo(registry);
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
    FieldProcessor.Handled handled;
    try (var lease = runtime.lease()) {
      handled = processor.process(record, lease.value().fields(), sink);
    }
    EmitterSink.await(handled.sends(), sendTimeout);
    retries.increment(handled.retries());
    switch (handled.outcome()) {
      case PROCESSED -> {
        processed.increment();
        cells.increment(handled.cells());
        cellsPerField.record(handled.cells());
        inference.record((long) (handled.inferenceMillis() * 1e6), TimeUnit.NANOSECONDS);
      }
      case REJECTED -> {
        rejected.increment();
        deadLettered.increment();
      }
      case UNDECODABLE -> deadLettered.increment();
    }
  }
}
