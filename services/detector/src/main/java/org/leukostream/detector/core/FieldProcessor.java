package org.leukostream.detector.core;

import ai.djl.translate.TranslateException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.SlideField;
import org.leukostream.detector.field.CellFinder;
import org.leukostream.detector.field.FieldDetector;
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
 * The detector service's record handling, one {@code slide.fields.v1} record at a time: its crops
 * on {@code cell.crops.v1} and its result on {@code field.results.v1}; a field that cannot be used
 * gets a REJECTED result (so its case does not wait) and its record, with the reason, on {@code
 * slide.fields.dlq}. Values arrive as bytes and are decoded here, so that a record no schema reads
 * is dead-lettered with its bytes instead of stopping the partition. What is not the record's fault
 * is never dead-lettered: an unreachable registry is rethrown at once; a claim-check store that
 * cannot serve the field, or a model that fails on a plain field too (the engine, not the field),
 * is retried with {@link Backoff} and then thrown as {@link TransientFailureException} (the channel
 * fails, health DOWN, the field is read again after a restart); a failure during shutdown leaves
 * the field for redelivery. A field on which the model fails while it runs a plain field is the
 * field's fault: REJECTED. The Quarkus service and the demo both run this class; the caller waits
 * for {@link Handled#sends()} before the record's offset may be committed.
 */
public final class FieldProcessor {
  public static final String SERVICE = "detector";
  private static final Logger LOG = LoggerFactory.getLogger(FieldProcessor.class);

  /** What became of one record. */
  public enum Outcome {
    /** Detected: crops and a result written. */
    PROCESSED,
    /** Read but unusable (image, specimen, model failure): a REJECTED result and a dead letter. */
    REJECTED,
    /** Not a field at all (undecodable, tombstone): a dead letter only. */
    UNDECODABLE
  }

  /**
   * @param cells crops written
   * @param inferenceMillis the detector's forward pass, 0 when none ran
   * @param retries attempts that failed for a cause not the field's before this outcome
   * @param sends what the record produced, to be acknowledged before its offset is committed
   */
  public record Handled(
      Outcome outcome,
      int cells,
      double inferenceMillis,
      int retries,
      List<CompletionStage<?>> sends) {}

  private final Deserializer<SlideField> fields;
  private final Backoff backoff;
  private final BooleanSupplier shuttingDown;
  private final Tracer tracer;

  /**
   * @param serdeConfig the registry settings the field values are decoded with
   * @param backoff retries of a failure that is not the field's (store or engine down)
   * @param shuttingDown true once shutdown has begun
   */
  public FieldProcessor(Map<String, ?> serdeConfig, Backoff backoff, BooleanSupplier shuttingDown) {
    this(serdeConfig, backoff, shuttingDown, OpenTelemetry.noop().getTracer(SERVICE));
  }

  /**
   * @param tracer traces each field as a child of the context its record carries, and each crop as
   *     a child of its field; the crops, the field's result and any dead letter carry that context
   */
  public FieldProcessor(
      Map<String, ?> serdeConfig, Backoff backoff, BooleanSupplier shuttingDown, Tracer tracer) {
    this.fields = Topics.SLIDE_FIELDS.valueSerde(serdeConfig).deserializer();
    this.backoff = backoff;
    this.shuttingDown = shuttingDown;
    this.tracer = tracer;
  }

  /** Handles one record with {@code detector}, writing to {@code out}. */
  public Handled process(
      ConsumerRecord<String, byte[]> record, CellFinder detector, TopicSink out) {
    Span span =
        tracer
            .spanBuilder("detector field")
            .setParent(TraceHeaders.extract(record.headers()))
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute("messaging.kafka.offset", record.offset())
            .startSpan();
    try {
      Handled handled = process(record, detector, out, span);
      span.setAttribute("leukostream.outcome", handled.outcome().name());
      span.setAttribute("leukostream.cells", handled.cells());
      return handled;
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  private Handled process(
      ConsumerRecord<String, byte[]> record, CellFinder detector, TopicSink out, Span span) {
    SlideField field;
    try {
      field = record.value() == null ? null : fields.deserialize(record.topic(), record.value());
    } catch (RegistryUnavailableException e) {
      throw e; // not the record's fault: stop rather than dead-letter good fields
    } catch (RuntimeException e) {
      return undecodable(record, e, "undecodable record: " + e.getMessage(), out, span);
    }
    if (field == null) {
      return undecodable(
          record, new IllegalArgumentException("empty record"), "tombstone", out, span);
    }
    span.setAttribute("leukostream.case_id", field.getCaseId());
    span.setAttribute("leukostream.field_index", field.getFieldIndex());
    for (int attempt = 1; ; attempt++) {
      Exception notTheFields;
      try {
        return processed(field, detector.detect(field), attempt - 1, out, span);
      } catch (ImageRejectedException e) {
        return rejected(record, field, e, e.getMessage(), attempt - 1, detector, out, span);
      } catch (ImageStoreUnavailableException e) {
        notTheFields = e;
      } catch (TranslateException | RuntimeException e) {
        if (detector.modelRuns()) { // the engine runs other fields: this one breaks it
          return rejected(
              record,
              field,
              e,
              "detector failed: " + e.getMessage(),
              attempt - 1,
              detector,
              out,
              span);
        }
        notTheFields = e;
      }
      backoff.retryOrStop(
          "case " + field.getCaseId() + " field " + field.getFieldIndex(),
          "not processed",
          attempt,
          notTheFields,
          shuttingDown);
    }
  }

  private Handled processed(
      SlideField field,
      FieldDetector.Detection detection,
      int retries,
      TopicSink out,
      Span fieldSpan) {
    List<CompletionStage<?>> sends = new ArrayList<>(detection.crops().size() + 1);
    String cropKey = Topics.cropKey(field.getCaseId(), field.getFieldIndex());
    Context inField = Context.root().with(fieldSpan);
    for (CellCrop crop : detection.crops()) {
      // Each crop a child of its field: the classifier's batch span links these.
      Span cropSpan =
          tracer
              .spanBuilder("detector crop")
              .setParent(inField)
              .setSpanKind(SpanKind.PRODUCER)
              .setAttribute("leukostream.cell_id", crop.getCellId())
              .startSpan();
      cropSpan.end();
      sends.add(out.send(Topics.CELL_CROPS, cropKey, crop, TraceHeaders.of(cropSpan)));
    }
    sends.add(
        out.send(
            Topics.FIELD_RESULTS,
            field.getCaseId(),
            detection.result(),
            TraceHeaders.of(fieldSpan)));
    LOG.debug(
        "Case {} field {}: {} cells",
        field.getCaseId(),
        field.getFieldIndex(),
        detection.crops().size());
    return new Handled(
        Outcome.PROCESSED, detection.crops().size(), detection.inferenceMillis(), retries, sends);
  }

  private Handled rejected(
      ConsumerRecord<String, byte[]> record,
      SlideField field,
      Exception error,
      String reason,
      int retries,
      CellFinder detector,
      TopicSink out,
      Span span) {
    if (shuttingDown.getAsBoolean()) {
      throw new IllegalStateException("Shutting down: field left for redelivery", error);
    }
    List<CompletionStage<?>> sends = new ArrayList<>(2);
    sends.add(
        out.send(
            Topics.FIELD_RESULTS,
            field.getCaseId(),
            FieldDetector.rejected(field, reason, detector.model(), Instant.now()),
            TraceHeaders.of(span)));
    sends.add(deadLetter(record, field.getCaseId(), error, reason, out, span));
    return new Handled(Outcome.REJECTED, 0, 0, retries, sends);
  }

  private Handled undecodable(
      ConsumerRecord<String, byte[]> record,
      Exception error,
      String reason,
      TopicSink out,
      Span span) {
    return new Handled(
        Outcome.UNDECODABLE,
        0,
        0,
        0,
        List.of(deadLetter(record, record.key(), error, reason, out, span)));
  }

  private static CompletionStage<?> deadLetter(
      ConsumerRecord<String, byte[]> record,
      String caseId,
      Exception error,
      String reason,
      TopicSink out,
      Span span) {
    span.setStatus(StatusCode.ERROR, reason);
    LOG.warn(
        "{}[{}]@{} (case {}) dead-lettered: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        caseId,
        reason);
    return out.send(
        Topics.SLIDE_FIELDS_DLQ,
        record.key(),
        DeadLetters.of(SERVICE, record, record.value(), caseId, error, Instant.now()),
        TraceHeaders.of(span));
  }
}
