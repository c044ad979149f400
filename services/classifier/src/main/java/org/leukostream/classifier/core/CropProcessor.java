package org.leukostream.classifier.core;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.classifier.label.Labeller;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.images.ImageStoreUnavailableException;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.messaging.Backoff;
import org.leukostream.schemas.messaging.TransientFailureException;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.tracing.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier service's record handling, one poll of {@code cell.crops.v1} at a time: the
 * readable crops in inference batches of at most {@code maxBatch} through stage 1, ensemble B and
 * ensemble A, one {@code cell.labels.v1} record per crop. A crop that cannot be read, or that fails
 * alone when its batch failed and was labelled crop by crop, goes to {@code cell.crops.dlq} and the
 * rest of the poll goes on, so a poison record never blocks its partition. What is not the record's
 * fault is never dead-lettered: an unreachable registry is rethrown at once (the channel fails,
 * health DOWN); a batch that fails while the models fail on a plain crop too (out of memory, a lost
 * GPU) is retried with {@link Backoff} and then thrown as {@link TransientFailureException}; a
 * failure during shutdown leaves the poll for redelivery. The Quarkus service and the demo both run
 * this class; the caller waits for {@link Handled#sends()} before the poll's offsets may be
 * committed. {@link #read} and {@link #label} are the two halves of {@link #process}, for a caller
 * that reads the next poll while this one is classified.
 */
public final class CropProcessor {
  public static final String SERVICE = "classifier";
  private static final Logger LOG = LoggerFactory.getLogger(CropProcessor.class);

  /** One inference batch: its crops and its wall time through all stages. */
  public record Batch(int size, long nanos) {}

  /**
   * @param labels labels written
   * @param deadLetters crops dead-lettered
   * @param retries batches tried again because the engine failed
   * @param batches the inference batches that succeeded
   * @param sends what the poll produced, to be acknowledged before its offsets are committed
   * @param decodeNanos reading the poll's records: Avro, then the PNG into an image
   * @param sendNanos handing its labels and dead letters to the producer (Avro, batching)
   */
  public record Handled(
      int labels,
      int deadLetters,
      int retries,
      List<Batch> batches,
      List<CompletionStage<?>> sends,
      long decodeNanos,
      long sendNanos) {}

  /** A crop that was read and decoded, with where it came from. */
  private record Readable(ConsumerRecord<String, byte[]> record, CellCrop crop, Image image) {}

  private final Deserializer<CellCrop> crops;
  private final ImageRefs images;
  private final int maxBatch;
  private final Backoff backoff;
  private final BooleanSupplier shuttingDown;
  private final Tracer tracer;

  /**
   * @param serdeConfig the registry settings the crop values are decoded with
   * @param cropMaxPixels largest crop accepted (width x height)
   * @param maxBatch most crops per forward pass
   * @param backoff retries of a batch the engine failed (the models fail on a plain crop too)
   * @param shuttingDown true once shutdown has begun
   */
  public CropProcessor(
      Map<String, ?> serdeConfig,
      long cropMaxPixels,
      int maxBatch,
      Backoff backoff,
      BooleanSupplier shuttingDown) {
    this(
        serdeConfig,
        cropMaxPixels,
        maxBatch,
        backoff,
        shuttingDown,
        OpenTelemetry.noop().getTracer(SERVICE));
  }

  /**
   * @param tracer traces each inference batch: a child of its first crop's context, linked to every
   *     crop it labels; the labels carry the batch's context
   */
  public CropProcessor(
      Map<String, ?> serdeConfig,
      long cropMaxPixels,
      int maxBatch,
      Backoff backoff,
      BooleanSupplier shuttingDown,
      Tracer tracer) {
    this.tracer = tracer;
    this.crops = Topics.CELL_CROPS.valueSerde(serdeConfig).deserializer();
    // Crops are inline PNGs of at most the topic's message size; no claim checks.
    this.images = new ImageRefs(List.of(), Topics.CELL_CROPS.maxMessageBytes(), cropMaxPixels);
    this.maxBatch = maxBatch;
    this.backoff = backoff;
    this.shuttingDown = shuttingDown;
  }

  /** Labels one poll's records with {@code labeller}, writing to {@code out}. */
  public Handled process(
      Iterable<ConsumerRecord<String, byte[]>> records, Labeller labeller, TopicSink out) {
    return label(read(records, out), labeller);
  }

  /**
   * A poll's records read and their images decoded, the crops that cannot be read already
   * dead-lettered: what {@link #label} classifies. Reading one poll while the previous one is
   * classified keeps the cores busy; a {@code Read} is labelled once.
   */
  public static final class Read {
    private final Work work;
    private final List<Readable> readable;
    private final long decodeNanos;

    private Read(Work work, List<Readable> readable, long decodeNanos) {
      this.work = work;
      this.readable = readable;
      this.decodeNanos = decodeNanos;
    }
  }

  /**
   * Reads one poll's records: Avro, then every PNG on every core; writes dead letters to {@code
   * out}.
   */
  public Read read(Iterable<ConsumerRecord<String, byte[]>> records, TopicSink out) {
    Work work = new Work(out);
    List<Readable> readable = new ArrayList<>();
    long decodeStart = System.nanoTime();
    List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>();
    List<CellCrop> decoded = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      CellCrop crop;
      try {
        crop = record.value() == null ? null : crops.deserialize(record.topic(), record.value());
      } catch (RegistryUnavailableException e) {
        throw e; // not the record's fault: stop rather than dead-letter good crops
      } catch (RuntimeException e) {
        work.deadLetter(
            record, Topics.caseOfCropKey(record.key()), e, "undecodable record: " + e.getMessage());
        continue;
      }
      if (crop == null) {
        work.deadLetter(
            record,
            Topics.caseOfCropKey(record.key()),
            new IllegalArgumentException("empty record"),
            "tombstone");
        continue;
      }
      polled.add(record);
      decoded.add(crop);
    }
    // The PNGs on every core: inference waits for them, and one decoding thread would leave the
    // other cores idle meanwhile. Failures are dealt with afterwards, in poll order.
    Object[] images = new Object[decoded.size()];
    IntStream.range(0, decoded.size())
        .parallel()
        .forEach(i -> images[i] = decodeImage(decoded.get(i)));
    for (int i = 0; i < decoded.size(); i++) {
      if (images[i] instanceof Image image) {
        readable.add(new Readable(polled.get(i), decoded.get(i), image));
        continue;
      }
      Exception e = (Exception) images[i];
      // crops are inline: with no claim-check store to read, only the crop itself can be at fault
      if (shuttingDown.getAsBoolean()) {
        throw new IllegalStateException("Shutting down: crop left for redelivery", e);
      }
      work.deadLetter(polled.get(i), decoded.get(i).getCaseId(), e, e.getMessage());
    }
    return new Read(work, readable, System.nanoTime() - decodeStart);
  }

  /** Labels what {@link #read} read with {@code labeller}, writing to where it was read for. */
  public Handled label(Read read, Labeller labeller) {
    Work work = read.work;
    List<Readable> readable = read.readable;
    long decodeNanos = read.decodeNanos;
    long sendNanos = 0;
    for (int from = 0; from < readable.size(); from += maxBatch) {
      List<Readable> batch = readable.subList(from, Math.min(readable.size(), from + maxBatch));
      SpanBuilder builder =
          tracer
              .spanBuilder("classifier batch")
              .setParent(TraceHeaders.extract(batch.get(0).record().headers()))
              .setSpanKind(SpanKind.CONSUMER)
              .setAttribute("leukostream.batch_size", batch.size());
      for (Readable crop : batch) {
        SpanContext context = TraceHeaders.spanContext(crop.record().headers());
        if (context.isValid()) {
          builder.addLink(context);
        }
      }
      Span span = builder.startSpan();
      List<CellLabel> labels;
      try {
        labels = label(labeller, batch, work);
      } catch (RuntimeException e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR);
        throw e;
      } finally {
        span.end();
      }
      long sendStart = System.nanoTime();
      for (CellLabel label : labels) {
        work.sends.add(
            work.out.send(Topics.CELL_LABELS, label.getCaseId(), label, TraceHeaders.of(span)));
        work.labels++;
      }
      sendNanos += System.nanoTime() - sendStart;
    }
    return new Handled(
        work.labels,
        work.deadLetters,
        work.retries,
        work.batches,
        work.sends,
        decodeNanos,
        sendNanos);
  }

  /** The crop's image, or why it cannot be read. */
  private Object decodeImage(CellCrop crop) {
    try {
      return ImageFactory.getInstance().fromImage(images.decode(crop.getCrop()));
    } catch (ImageRejectedException | ImageStoreUnavailableException e) {
      return e;
    }
  }

  /**
   * The batch's labels. A batch that fails while the models still run a plain crop is labelled crop
   * by crop, so that only a crop that fails alone is dead-lettered; a batch that fails while they
   * do not (the engine, not the crops) is tried again after a wait, and past the last attempt the
   * poll stops uncommitted ({@link TransientFailureException}).
   */
  private List<CellLabel> label(Labeller labeller, List<Readable> batch, Work work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return labelOrSplit(labeller, batch, work);
      } catch (EngineFailing e) {
        backoff.retryOrStop(
            "batch of " + batch.size() + " crops",
            "not labelled",
            attempt,
            e.getCause(),
            shuttingDown);
        work.retries++;
      }
    }
  }

  private List<CellLabel> labelOrSplit(Labeller labeller, List<Readable> batch, Work work) {
    try {
      long start = System.nanoTime();
      List<CellLabel> out =
          labeller.label(
              batch.stream().map(Readable::crop).toList(),
              batch.stream().map(Readable::image).toList());
      work.batches.add(new Batch(batch.size(), System.nanoTime() - start));
      return out;
    } catch (TranslateException | RuntimeException e) {
      if (shuttingDown.getAsBoolean()) {
        throw new IllegalStateException("Shutting down: batch left for redelivery", e);
      }
      if (!labeller.modelsRun()) {
        throw new EngineFailing(e);
      }
      if (batch.size() == 1) {
        Readable only = batch.get(0);
        work.deadLetter(
            only.record(), only.crop().getCaseId(), e, "classifier failed: " + e.getMessage());
        return List.of();
      }
      LOG.warn(
          "Batch of {} failed ({}); labelling its crops one by one", batch.size(), e.toString());
      List<CellLabel> out = new ArrayList<>();
      for (Readable one : batch) {
        out.addAll(labelOrSplit(labeller, List.of(one), work));
      }
      return out;
    }
  }

  /** The models fail on a plain crop too: the engine, not the batch, is at fault. */
  private static final class EngineFailing extends RuntimeException {
    private EngineFailing(Exception cause) {
      super(cause);
    }
  }

  /** What one poll has produced so far. */
  private static final class Work {
    private final TopicSink out;
    private final List<CompletionStage<?>> sends = new ArrayList<>();
    private final List<Batch> batches = new ArrayList<>();
    private final Set<ConsumerRecord<String, byte[]>> deadLettered =
        Collections.newSetFromMap(new IdentityHashMap<>());
    private int labels;
    private int deadLetters;
    private int retries;

    private Work(TopicSink out) {
      this.out = out;
    }

    private void deadLetter(
        ConsumerRecord<String, byte[]> record, String caseId, Exception error, String reason) {
      if (!deadLettered.add(record)) {
        return; // a batch tried again after the engine failed meets its poison crop again
      }
      LOG.warn(
          "{}[{}]@{} (key {}) dead-lettered: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          record.key(),
          reason);
      deadLetters++;
      sends.add(
          out.send(
              Topics.CELL_CROPS_DLQ,
              record.key(),
              DeadLetters.of(SERVICE, record, record.value(), caseId, error, Instant.now())));
    }
  }
}
