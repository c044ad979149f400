package org.leukostream.classifier.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.DeadLetter;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.core.CropProcessor;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.messaging.EmitterSink;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * The classifier service's Quarkus adapter: consumes {@code cell.crops.v1} in batches (one poll at
 * a time, at most {@code max-size} crops), hands each poll to the core ({@link CropProcessor}:
 * decode, batched inference, batch fallback, dead letters), writes through the channels' emitters,
 * and acknowledges the poll (its offsets are later committed) only after every label and dead
 * letter it produced was written: a pod killed mid-batch leaves the batch to be read again, and the
 * aggregator counts a cell id once. Metrics are counted here.
 */
@ApplicationScoped
public class CropConsumer {
  private final ClassifierRuntime runtime;
  private final CropProcessor processor;
  private final TopicSink sink;
  private final Duration sendTimeout;
  private final Counter cropsIn;
  private final Counter labelsOut;
  private final Counter deadLettered;
  private final Counter retries;
  private final DistributionSummary batchSize;
  private final Timer inference;

  public CropConsumer(
      ClassifierRuntime runtime,
      ClassifierConfig config,
      @Channel("cell-labels") MutinyEmitter<CellLabel> labels,
      @Channel("cell-crops-dlq") MutinyEmitter<DeadLetter> deadLetters,
      Config serviceConfig,
      MeterRegistry registry) {
    this.runtime = runtime;
    this.processor =
        new CropProcessor(
            SerdeConfig.settings(
                SerdeConfig.MESSAGING_PREFIX,
                key -> serviceConfig.getOptionalValue(key, String.class)),
            config.cropMaxPixels(),
            config.batch().maxSize(),
            config.retry().backoff(),
            runtime::shuttingDown);
    this.sink =
        new EmitterSink(Map.of(Topics.CELL_LABELS, labels, Topics.CELL_CROPS_DLQ, deadLetters));
    this.sendTimeout = config.sendTimeout();
    this.cropsIn = registry.counter("leukostream.classifier.crops");
    this.labelsOut = registry.counter("leukostream.classifier.labels");
    this.deadLettered = registry.counter("leukostream.classifier.dead.letters");
    this.retries = registry.counter("leukostream.classifier.retries");
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

  @Incoming("cell-crops")
  @Blocking
  public void consume(ConsumerRecords<String, byte[]> records) throws InterruptedException {
    cropsIn.increment(records.count());
    CropProcessor.Handled handled;
    try (var lease = runtime.lease()) {
      handled = processor.process(records, lease.value(), sink);
    }
    for (CropProcessor.Batch batch : handled.batches()) {
      batchSize.record(batch.size());
      inference.record(batch.nanos(), TimeUnit.NANOSECONDS);
    }
    deadLettered.increment(handled.deadLetters());
    retries.increment(handled.retries());
    EmitterSink.await(handled.sends(), sendTimeout);
    labelsOut.increment(handled.labels());
  }
}
