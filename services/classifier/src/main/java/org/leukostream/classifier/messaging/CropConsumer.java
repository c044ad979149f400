package org.leukostream.classifier.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.leukostream.models.inference.ModelMeters;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetterMeters;
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
 * <p>Three things overlap, each holding at most one poll: the messaging thread reads and decodes
 * poll N+1 while the inference thread classifies poll N and the broker acknowledges poll N-1's
 * labels (waiting for the decoding and for the acknowledgements cost 0.35-0.6 and 0.3 ms a cell,
 * with the models idle, on the 2-core bench machine). A poll goes to the models only when the
 * previous one's inference is done, and the consuming method returns only when the one before has
 * its acknowledgement, so a broker that stops acknowledging stops the consumer within three polls.
 * A failure (a write, the models after their retries, shutdown) nacks its poll (the channel's
 * failure strategy) and every later one, so nothing after it is committed.
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

  /** Runs the models, one poll at a time, while the messaging thread reads the next poll. */
  private final ExecutorService inferenceThread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "classifier-inference");
            thread.setDaemon(true);
            return thread;
          });

  /** The last poll's inference; only the consuming thread replaces it. */
  private volatile CompletableFuture<?> classified = CompletableFuture.completedFuture(null);

  /** The last poll's acknowledgement (or nack); only the consuming thread replaces it. */
  private volatile CompletableFuture<Void> acknowledged = CompletableFuture.completedFuture(null);

  public CropConsumer(
      ClassifierRuntime runtime,
      ClassifierConfig config,
      @Channel("cell-labels") MutinyEmitter<CellLabel> labels,
      @Channel("cell-crops-dlq") MutinyEmitter<DeadLetter> deadLetters,
      Config serviceConfig,
      MeterRegistry registry,
      Tracer tracer) {
    this.runtime = runtime;
    this.processor =
        new CropProcessor(
            SerdeConfig.settings(
                SerdeConfig.MESSAGING_PREFIX,
                key -> serviceConfig.getOptionalValue(key, String.class)),
            config.cropMaxPixels(),
            config.batch().maxSize(),
            config.retry().backoff(),
            runtime::shuttingDown,
            tracer);
    this.sink =
        new EmitterSink(Map.of(Topics.CELL_LABELS, labels, Topics.CELL_CROPS_DLQ, deadLetters));
    this.sendTimeout = config.sendTimeout();
    this.cropsIn = registry.counter("leukostream.classifier.crops");
    this.labelsOut = registry.counter("leukostream.classifier.labels");
    this.deadLettered = registry.counter("leukostream.classifier.dead.letters");
    this.retries = registry.counter("leukostream.classifier.retries");
    ModelMeters.bind(registry, runtime, config.device().startsWith("cuda") ? "gpu" : "cpu");
    DeadLetterMeters.bindTo(registry);
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
   * Reads one poll (Avro, PNG decoding) while the previous poll is classified, then hands it to the
   * inference thread and returns; the poll is acknowledged when it is labelled and the broker has
   * its labels and dead letters, after the previous poll (or nacked when either fails).
   */
  @Incoming("cell-crops")
  @Blocking
  public CompletionStage<Void> consume(Message<List<byte[]>> poll) {
    ConsumerRecords<String, byte[]> records = records(poll);
    cropsIn.increment(records.count());
    CropProcessor.Read read;
    try {
      read = processor.read(records, sink);
    } catch (RuntimeException e) { // the registry unreachable, or shutdown: not the crops' fault
      return poll.nack(e);
    }
    // One poll classified at a time: wait for the previous one's inference, which ran meanwhile.
    classified.handle((handled, failure) -> null).join();
    CompletableFuture<CropProcessor.Handled> labelled =
        CompletableFuture.supplyAsync(() -> label(read), inferenceThread);
    classified = labelled;
    // Acknowledged once the broker has this poll's writes and the previous poll was acknowledged;
    // a failure of either nacks this one too, so nothing after a lost write is committed.
    CompletableFuture<Void> previous = acknowledged;
    acknowledged =
        labelled
            .thenCompose(
                handled ->
                    TopicSink.acknowledged(handled.sends(), sendTimeout).thenApply(done -> handled))
            .thenCombine(previous, (handled, done) -> handled)
            .handle(
                (handled, failure) -> {
                  if (failure != null) {
                    poll.nack(failure instanceof CompletionException c ? c.getCause() : failure);
                    throw new CompletionException(failure);
                  }
                  labelsOut.increment(handled.labels());
                  poll.ack();
                  return null;
                });
    // At most one poll's writes in flight besides this one's: the previous poll's, acknowledged
    // (or failed and nacked) while this one was read; bounded by its send-timeout.
    previous.handle((done, failure) -> null).join();
    return CompletableFuture.completedFuture(null);
  }

  /** Classifies one poll on the inference thread, holding the models for it. */
  private CropProcessor.Handled label(CropProcessor.Read read) {
    CropProcessor.Handled handled;
    try (var lease = runtime.lease()) {
      handled = processor.label(read, lease.value());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
    for (CropProcessor.Batch batch : handled.batches()) {
      batchSize.record(batch.size());
      inference.record(batch.nanos(), TimeUnit.NANOSECONDS);
    }
    deadLettered.increment(handled.deadLetters());
    retries.increment(handled.retries());
    return handled;
  }

  /** Lets the poll in hand finish its inference at shutdown; what is left is read again later. */
  @PreDestroy
  void stop() throws InterruptedException {
    inferenceThread.shutdown();
    inferenceThread.awaitTermination(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @SuppressWarnings("unchecked")
  private static ConsumerRecords<String, byte[]> records(Message<List<byte[]>> poll) {
    return poll.getMetadata(IncomingKafkaRecordBatchMetadata.class)
        .orElseThrow(() -> new IllegalStateException("cell-crops is not a batch channel"))
        .getRecords();
  }
}
