package org.leukostream.classifier.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
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
 * and acknowledges the poll (its offsets are later committed) only after the broker has every label
 * and dead letter it produced: a pod killed mid-batch leaves the batch to be read again, and the
 * aggregator counts a cell id once. Metrics are counted here.
 *
 * <p>The acknowledgement is not waited for on the consuming thread: the next poll is classified
 * while the broker acknowledges the last one's labels (waiting cost about 0.3 ms a cell, idle, on
 * the 2-core bench machine). At most one poll's writes are in flight: before a poll is processed,
 * the previous one's must have been acknowledged, so a broker that stops acknowledging stops the
 * consumer within one batch, as before; a write that fails nacks its poll (the channel's failure
 * strategy) and every later poll, and nothing after it is committed.
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

  /** The last poll's writes, acknowledged or failed; only the consuming thread replaces it. */
  private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

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

  /**
   * Classifies one poll and returns once its labels are handed to the emitters; the poll is
   * acknowledged later, when the broker has them all (or nacked when one fails).
   */
  @Incoming("cell-crops")
  @Blocking
  public CompletionStage<Void> consume(Message<List<byte[]>> poll) {
    try {
      inFlight.join(); // bounded: it fails after send-timeout
    } catch (CompletionException e) {
      return poll.nack(new IllegalStateException("the previous poll's labels were not written", e));
    }
    ConsumerRecords<String, byte[]> records = records(poll);
    cropsIn.increment(records.count());
    CropProcessor.Handled handled;
    try (var lease = runtime.lease()) {
      handled = processor.process(records, lease.value(), sink);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return poll.nack(e);
    } catch (RuntimeException e) {
      return poll.nack(e);
    }
    for (CropProcessor.Batch batch : handled.batches()) {
      batchSize.record(batch.size());
      inference.record(batch.nanos(), TimeUnit.NANOSECONDS);
    }
    deadLettered.increment(handled.deadLetters());
    retries.increment(handled.retries());
    inFlight =
        TopicSink.acknowledged(handled.sends(), sendTimeout)
            .handle(
                (done, failure) -> {
                  if (failure != null) {
                    poll.nack(failure);
                    throw new CompletionException(failure);
                  }
                  labelsOut.increment(handled.labels());
                  poll.ack();
                  return null;
                });
    return CompletableFuture.completedFuture(null);
  }

  @SuppressWarnings("unchecked")
  private static ConsumerRecords<String, byte[]> records(Message<List<byte[]>> poll) {
    return poll.getMetadata(IncomingKafkaRecordBatchMetadata.class)
        .orElseThrow(() -> new IllegalStateException("cell-crops is not a batch channel"))
        .getRecords();
  }
}
