package org.leukostream.cli.scan;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.ClaimCheck;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.images.ClaimCheckStore;
import org.leukostream.images.ImageRefs;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.tracing.TraceHeaders;

/**
 * The scanner side of a case: the OPENED event, one {@code slide.fields.v1} record per image
 * (inline up to the inline limit, otherwise stored in the claim-check store first), and the CLOSED
 * event with the number of fields, all keyed by the case id. Returns once the broker has
 * acknowledged every record (acks=all, idempotent producers).
 */
public final class CaseSender implements AutoCloseable {
  /** The architecture's inline limit: larger field images travel as claim checks. */
  public static final int DEFAULT_INLINE_LIMIT = 1 << 20;

  /** An order (accession) number as LIS systems issue them: letters, digits and . _ : / - . */
  private static final Pattern ACCESSION = Pattern.compile("[\\p{Alnum}._:/-]{1,64}");

  /**
   * One case to send; {@code patientKey} is already pseudonymous.
   *
   * @param micrometresPerPixel the scanner's pixel size, set on every field; null when unknown
   * @param accession the order (accession) number the case answers, on the OPENED event; null when
   *     none
   */
  public record Case(
      String caseId,
      String patientKey,
      SpecimenType specimenType,
      String scannerId,
      List<FieldImage> fields,
      Double micrometresPerPixel,
      String accession) {

    /** A case without an order number. */
    public Case(
        String caseId,
        String patientKey,
        SpecimenType specimenType,
        String scannerId,
        List<FieldImage> fields,
        Double micrometresPerPixel) {
      this(caseId, patientKey, specimenType, scannerId, fields, micrometresPerPixel, null);
    }

    /** A case whose pixel size is not known. */
    public Case(
        String caseId,
        String patientKey,
        SpecimenType specimenType,
        String scannerId,
        List<FieldImage> fields) {
      this(caseId, patientKey, specimenType, scannerId, fields, null, null);
    }

    public Case {
      if (micrometresPerPixel != null
          && !(micrometresPerPixel > 0 && Double.isFinite(micrometresPerPixel))) {
        throw new IllegalArgumentException(
            "A pixel size is a positive number of micrometres, not " + micrometresPerPixel);
      }
      if (accession != null && !ACCESSION.matcher(accession).matches()) {
        // the value itself is not repeated: it is sensitive
        throw new IllegalArgumentException(
            "An order number is 1-64 letters, digits and . _ : / - ("
                + accession.length()
                + " characters given)");
      }
    }
  }

  /** What was sent. */
  public record Sent(String caseId, int fields, int inline, int claimChecks, long bytes) {}

  private final KafkaProducer<String, CaseEvent> events;
  private final KafkaProducer<String, SlideField> slideFields;
  private final int inlineLimit;
  private final Optional<ClaimCheckStore> store;
  private Tracer tracer = OpenTelemetry.noop().getTracer("leukostream-scan");

  /**
   * @param clientConfig bootstrap servers, {@code schema.registry.url} and any security settings
   * @param store where images over {@code inlineLimit} go; without one such an image is refused
   */
  public CaseSender(
      Map<String, Object> clientConfig, int inlineLimit, Optional<ClaimCheckStore> store) {
    this.events = TopicWriter.producer(clientConfig, Topics.CASE_EVENTS);
    this.slideFields = TopicWriter.producer(clientConfig, Topics.SLIDE_FIELDS);
    this.inlineLimit = inlineLimit;
    this.store = store;
  }

  /**
   * A sender for the in-process pipeline: the default inline limit, larger images as {@code
   * file://} claim checks under {@code claims}.
   */
  public static CaseSender withClaimDirectory(Map<String, Object> clientConfig, Path claims) {
    return new CaseSender(
        clientConfig, DEFAULT_INLINE_LIMIT, Optional.of(new ClaimCheckStore.Directory(claims)));
  }

  /**
   * Traces each case sent on {@code tracer}: the case's root span (its OPENED and CLOSED events
   * carry it) with a child per field (its record carries that): where the case's trace begins.
   */
  public CaseSender tracedBy(Tracer tracer) {
    this.tracer = tracer;
    return this;
  }

  /**
   * Sends {@code c} and waits for the broker's acknowledgements.
   *
   * @param progress told the number of fields sent so far
   * @throws IllegalArgumentException before anything is sent, when a field is over the inline limit
   *     and there is no claim-check store
   */
  public Sent send(Case c, IntConsumer progress) throws InterruptedException {
    for (FieldImage field : c.fields()) {
      if (field.data().length > inlineLimit && store.isEmpty()) {
        throw new IllegalArgumentException(
            field.name()
                + " is "
                + field.data().length
                + " bytes, over the inline limit of "
                + inlineLimit
                + ": give a claim-check store (file:///dir or s3://bucket/prefix); nothing was sent");
      }
    }
    Span caseSpan =
        tracer
            .spanBuilder("scan case")
            .setNoParent()
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute("leukostream.case_id", c.caseId())
            .setAttribute("leukostream.fields", c.fields().size())
            .startSpan();
    try {
      return send(c, progress, caseSpan);
    } finally {
      caseSpan.end();
    }
  }

  private Sent send(Case c, IntConsumer progress, Span caseSpan) throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    acks.add(event(c, CaseEventType.OPENED, c.specimenType(), null, c.accession(), caseSpan));
    int inline = 0;
    long bytes = 0;
    for (int i = 0; i < c.fields().size(); i++) {
      FieldImage field = c.fields().get(i);
      ImageRef.Builder ref =
          ImageRef.newBuilder()
              .setMediaType(field.mediaType())
              .setWidthPx(field.width())
              .setHeightPx(field.height())
              .setSizeBytes(field.data().length)
              .setSha256(ImageRefs.sha256(field.data()));
      if (field.data().length <= inlineLimit) {
        ref.setContent(new InlineImage(ByteBuffer.wrap(field.data())));
        inline++;
      } else {
        String name = c.caseId() + "/field-" + i + "." + field.extension();
        ref.setContent(
            new ClaimCheck(store.get().put(name, field.data(), field.mediaType()).toString()));
      }
      bytes += field.data().length;
      SlideField record =
          SlideField.newBuilder()
              .setCaseId(c.caseId())
              .setPatientKey(c.patientKey())
              .setFieldIndex(i)
              .setSpecimenType(c.specimenType())
              .setCapturedAt(Instant.now())
              .setScannerId(c.scannerId())
              .setMicrometresPerPixel(c.micrometresPerPixel())
              .setImage(ref.build())
              .build();
      Span fieldSpan =
          tracer
              .spanBuilder("scan field")
              .setParent(Context.root().with(caseSpan))
              .setSpanKind(SpanKind.PRODUCER)
              .setAttribute("leukostream.field_index", i)
              .startSpan();
      fieldSpan.end();
      acks.add(
          slideFields.send(
              new ProducerRecord<>(
                  Topics.SLIDE_FIELDS.name(),
                  null,
                  c.caseId(),
                  record,
                  TraceHeaders.of(fieldSpan))));
      progress.accept(i + 1);
    }
    acks.add(event(c, CaseEventType.CLOSED, null, c.fields().size(), null, caseSpan));
    events.flush();
    slideFields.flush();
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "The broker did not take case " + c.caseId() + ": " + e.getCause().getMessage(),
            e.getCause());
      }
    }
    int fields = c.fields().size();
    return new Sent(c.caseId(), fields, inline, fields - inline, bytes);
  }

  private Future<RecordMetadata> event(
      Case c,
      CaseEventType type,
      SpecimenType specimen,
      Integer expectedFields,
      String accession,
      Span caseSpan) {
    CaseEvent event =
        CaseEvent.newBuilder()
            .setCaseId(c.caseId())
            .setPatientKey(c.patientKey())
            .setType(type)
            .setSpecimenType(specimen)
            .setExpectedFields(expectedFields)
            .setAccession(accession)
            .setOccurredAt(Instant.now())
            .build();
    return events.send(
        new ProducerRecord<>(
            Topics.CASE_EVENTS.name(), null, c.caseId(), event, TraceHeaders.of(caseSpan)));
  }

  @Override
  public void close() {
    events.close();
    slideFields.close();
    store.ifPresent(ClaimCheckStore::close);
  }
}
