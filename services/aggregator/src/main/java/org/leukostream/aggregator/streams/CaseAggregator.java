package org.leukostream.aggregator.streams;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.leukostream.aggregator.decision.CellCall;
import org.leukostream.aggregator.state.CaseState;
import org.leukostream.aggregator.state.CellFlags;
import org.leukostream.aggregator.state.CellKey;
import org.leukostream.aggregator.state.CountedCell;
import org.leukostream.aggregator.state.HeldLabel;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.CellReview;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.MemberOutput;
import org.leukostream.schemas.PatientKey;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.tracing.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the differential count of every case from its labels, field results and case events, and
 * emits rate-limited PRELIMINARY diagnoses and exactly one FINAL per case: when the case is
 * complete, or as INCOMPLETE when it has been silent for the configured timeout while the pipeline
 * in front of it was drained ({@link PipelineWatermark}: a case waiting on a stage that is down or
 * behind is not stalled). A reviewer's change of a cell ({@link CellReview}) replaces the models'
 * call of that cell in the counts, once; on a decided case it makes a new FINAL revision. A record
 * that cannot be processed goes to the dead-letter sink and the stream goes on.
 */
final class CaseAggregator implements Processor<String, SpecificRecord, String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(CaseAggregator.class);
  private static final Pattern REVIEW_CLASS = Pattern.compile("[\\p{L}\\p{N}_\\- ]{1,64}");

  private final AggregatorSettings settings;
  private final AggregatorMetrics metrics;
  private final DiagnosisBuilder diagnoses;
  private final BiFunction<String, SpecificRecord, byte[]> reencode;
  private final PipelineWatermark watermark;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, CaseState> cases;
  private KeyValueStore<Bytes, Integer> cells;
  private KeyValueStore<String, HeldLabel> held;
  private KeyValueStore<String, CountedCell> calls;

  /**
   * The state of the case the last record belonged to, exactly as last written to {@link #cases}: a
   * case's labels arrive in runs, and the next record of the same case skips reading (and decoding)
   * it back. Forgotten whenever the store may hold something else: on {@link #init} (also when
   * Kafka Streams revives a task after an aborted transaction and restores its stores), at every
   * punctuation (which writes states of its own) and after a record that failed halfway.
   */
  private CaseState current;

  private final Tracer tracer;

  CaseAggregator(
      AggregatorSettings settings,
      AggregatorMetrics metrics,
      BiFunction<String, SpecificRecord, byte[]> reencode,
      PipelineWatermark watermark,
      Tracer tracer) {
    this.tracer = tracer;
    this.settings = settings;
    this.watermark = watermark;
    this.metrics = metrics;
    this.diagnoses = new DiagnosisBuilder(settings.rule(), settings.taxonomy());
    this.reencode = reencode;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.cases = context.getStateStore(AggregatorTopology.CASE_STORE);
    this.cells = context.getStateStore(AggregatorTopology.CELL_STORE);
    this.held = context.getStateStore(AggregatorTopology.HELD_STORE);
    this.calls = context.getStateStore(AggregatorTopology.CALL_STORE);
    this.current = null;
    context.schedule(
        settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void close() {
    current = null;
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    String caseId = record.key();
    try {
      if (caseId == null) {
        throw new IllegalArgumentException("Record without a case id key");
      }
      long now = context.currentSystemTimeMs();
      CaseState state = current != null && current.caseId.equals(caseId) ? current : null;
      current = null;
      if (state == null) {
        state = cases.get(caseId);
      }
      if (state == null) {
        if (record.value() instanceof CellReview review) {
          throw new IllegalArgumentException(
              "review "
                  + review.getReviewId()
                  + " of a cell of case "
                  + caseId
                  + ", which the aggregator does not know (never opened, or decided and"
                  + " forgotten after its retention)");
        }
        refuseIfForgotten(caseId, record.timestamp(), now);
        state = new CaseState(caseId, now);
      }
      if (record.value() instanceof CellReview review) {
        if (apply(state, review)) {
          state.lastActivityMillis = now;
          state.dirty = true;
          if (!state.finalEmitted) {
            if (now - state.lastPreliminaryMillis >= settings.preliminaryInterval().toMillis()) {
              emit(state, DiagnosisStatus.PRELIMINARY, null, now);
            }
          } else if (now - state.finalEmittedAtMillis
              >= settings.preliminaryInterval().toMillis()) {
            emit(state, DiagnosisStatus.FINAL, revisionReason(state), now); // more: wait
          } // wait for the punctuation, so that a run of reviews makes one revision
        }
        cases.put(caseId, state);
        current = state;
        return;
      }
      if (state.finalEmitted) {
        if (record.value() instanceof CaseEvent event
            && event.getType() == CaseEventType.REOPENED) {
          if (settings.reopenSeal().isEmpty()
              || !settings.reopenSeal().get().verify(event, record.headers())) {
            throw new IllegalArgumentException(
                "REOPENED event of case "
                    + caseId
                    + " without the bridge's seal: a case is reopened only through POST"
                    + " /cases/{caseId}/reopen");
          }
          reopen(state, event, now);
          current = state;
          return;
        }
        afterFinal(state, record.value());
        current = state;
        return;
      }
      boolean counted;
      if (record.value() instanceof CellLabel label) {
        counted = apply(state, label);
      } else if (record.value() instanceof FieldResult field) {
        counted = apply(state, field);
      } else if (record.value() instanceof CaseEvent event) {
        counted = apply(state, event);
      } else {
        throw new IllegalArgumentException("Unexpected value " + record.value());
      }
      String traceparent = TraceHeaders.traceparent(record.headers());
      if (traceparent != null) {
        if (record.value() instanceof CellLabel) {
          state.lastLabelTraceparent = traceparent;
        } else if (record.value() instanceof CaseEvent && state.traceparent == null) {
          state.traceparent = traceparent;
        }
      }
      state.lastActivityMillis = now;
      state.dirty |= counted;
      if (state.isComplete()) {
        emit(state, DiagnosisStatus.FINAL, null, now);
      } else if (counted
          && now - state.lastPreliminaryMillis >= settings.preliminaryInterval().toMillis()) {
        emit(state, DiagnosisStatus.PRELIMINARY, null, now);
      }
      cases.put(caseId, state);
      current = state;
    } catch (RegistryUnavailableException e) {
      // The registry, not the record (a schema not yet cached when it went away): the stream stops
      // uncommitted (health DOWN, restarted) and counts the record after, never dead-letters it.
      throw e;
    } catch (RuntimeException e) {
      deadLetter(record, caseId, e);
    }
  }

  /**
   * A record older than the time decided cases are remembered, of a case this aggregator does not
   * know, may belong to a case decided and since forgotten: counted, it would resurrect that case
   * as a second report. It is dead-lettered instead; {@code leukostream dlq replay} sends it again
   * (with a new timestamp) when a case is meant to be reopened.
   */
  private void refuseIfForgotten(String caseId, long recordTimestamp, long now) {
    if (recordTimestamp >= 0 && recordTimestamp < now - settings.finalRetention().toMillis()) {
      throw new IllegalStateException(
          "record of unknown case "
              + caseId
              + " written at "
              + Instant.ofEpochMilli(recordTimestamp)
              + ", longer ago than decided cases are remembered ("
              + settings.finalRetention()
              + "): it may belong to a case decided and forgotten, so it is not counted");
    }
  }

  /**
   * Takes a decided case back to counting: its counts and its cells stay (a redelivered label is
   * still a duplicate), and its next FINAL, when it is complete again or stalls, is a new revision.
   */
  private void reopen(CaseState state, CaseEvent event, long now) {
    state.finalEmitted = false;
    state.finalEmittedAtMillis = null;
    state.lastActivityMillis = now;
    state.dirty = true;
    state.reopenings++;
    LOG.info(
        "Case {} reopened after its FINAL ({}): its next FINAL is a new revision",
        state.caseId,
        event.getComment() == null ? "no reason given" : "reason given");
    cases.put(state.caseId, state);
    metrics.caseReopened();
  }

  /**
   * A record of a decided case changes nothing. A field result of a field the case never saw, a
   * label of a cell it never labelled, or a CLOSED with another count, is late or wrong:
   * dead-lettered, so that it is not lost and can be replayed after a REOPENED; repeats are counted
   * as duplicates.
   */
  private void afterFinal(CaseState state, SpecificRecord value) {
    if (value instanceof FieldResult field && !state.fieldsSeen.contains(field.getFieldIndex())) {
      throw new IllegalStateException(
          "late field result: field "
              + field.getFieldIndex()
              + " of case "
              + state.caseId
              + " arrived after its FINAL; the case needs a new revision");
    }
    if (value instanceof CaseEvent event
        && event.getType() == CaseEventType.CLOSED
        && !java.util.Objects.equals(event.getExpectedFields(), state.expectedFields)) {
      throw new IllegalStateException(
          "CLOSED of case "
              + state.caseId
              + " with "
              + event.getExpectedFields()
              + " fields after its FINAL with "
              + state.expectedFields);
    }
    if (value instanceof CellLabel label) {
      Integer flags = cells.get(CellKey.of(state.cellKeys, state.caseId, label.getCellId()));
      if (!CellFlags.has(flags, CellFlags.LABELLED) && !CellFlags.has(flags, CellFlags.HELD)) {
        metrics.lateIgnored();
        throw new IllegalStateException(
            "late label: cell "
                + label.getCellId()
                + " of case "
                + state.caseId
                + " was labelled after its FINAL; the case needs a new revision (REOPENED)");
      }
    }
    metrics.duplicateIgnored();
  }

  private boolean apply(CaseState state, CaseEvent event) {
    switch (event.getType()) {
      case OPENED -> {
        state.patientKey = PatientKey.require(event.getPatientKey());
        if (event.getAccession() != null) {
          state.accession = event.getAccession();
        }
        state.openedAtMillis = event.getOccurredAt().toEpochMilli();
        if (event.getSpecimenType() != null) {
          state.specimenType = event.getSpecimenType().name();
        }
      }
      case CLOSED -> {
        if (event.getExpectedFields() == null || event.getExpectedFields() < 0) {
          throw new IllegalArgumentException(
              "CLOSED event of case " + state.caseId + " without a valid expectedFields");
        }
        int expected = event.getExpectedFields();
        if (state.expectedFields != null) {
          if (state.expectedFields == expected) {
            metrics.duplicateIgnored();
            return false;
          }
          throw new IllegalArgumentException(
              "second CLOSED of case "
                  + state.caseId
                  + " with "
                  + expected
                  + " fields, after one with "
                  + state.expectedFields
                  + "; the first stands");
        }
        if (!state.fieldsSeen.isEmpty() && state.fieldsSeen.last() >= expected) {
          throw new IllegalArgumentException(
              "CLOSED of case "
                  + state.caseId
                  + " declares "
                  + expected
                  + " fields, but field index "
                  + state.fieldsSeen.last()
                  + " was already reported");
        }
        state.patientKey = PatientKey.require(event.getPatientKey());
        state.closedAtMillis = event.getOccurredAt().toEpochMilli();
        state.expectedFields = event.getExpectedFields();
      }
      default -> {} // SIGNED and unknown types are for other services
    }
    return false;
  }

  private boolean apply(CaseState state, FieldResult field) {
    int index = field.getFieldIndex();
    if (index < 0 || state.expectedFields != null && index >= state.expectedFields) {
      throw new IllegalArgumentException(
          "field index "
              + index
              + " of case "
              + state.caseId
              + " is outside the "
              + (state.expectedFields == null ? "valid range" : state.expectedFields + " fields")
              + " its CLOSED declares");
    }
    if (!state.fieldsSeen.add(index)) {
      metrics.duplicateIgnored();
      return false;
    }
    if (field.getStatus() == FieldStatus.REJECTED) {
      state.fieldsRejected++;
    }
    if (field.getDetectorModel() != null) {
      state.models.add(DiagnosisBuilder.modelKey(field.getDetectorModel()));
    }
    for (String cellId : field.getCellIds()) {
      Bytes key = CellKey.of(state.cellKeys, state.caseId, cellId);
      Integer flags = cells.get(key);
      if (CellFlags.has(flags, CellFlags.DETECTED)) {
        continue;
      }
      state.cellsDetected++;
      if (CellFlags.has(flags, CellFlags.HELD)) {
        String heldKey = CellFlags.key(state.caseId, cellId);
        HeldLabel label = held.get(heldKey);
        held.delete(heldKey);
        count(state, cellId, label);
        flags = CellFlags.with(CellFlags.without(flags, CellFlags.HELD), CellFlags.LABELLED);
      } else if (CellFlags.has(flags, CellFlags.LABELLED)) {
        state.cellsLabelledAndDetected++; // counted before its detection by an earlier release
      }
      cells.put(key, CellFlags.with(flags, CellFlags.DETECTED));
    }
    return true;
  }

  /**
   * Counts a label whose cell a field result has reported; holds one whose cell none has yet (its
   * field result may come later), to be counted when one does.
   */
  private boolean apply(CaseState state, CellLabel label) {
    Bytes key = CellKey.of(state.cellKeys, state.caseId, label.getCellId());
    Integer flags = cells.get(key);
    if (CellFlags.has(flags, CellFlags.LABELLED) || CellFlags.has(flags, CellFlags.HELD)) {
      metrics.duplicateIgnored();
      return false;
    }
    CellCall call = CellCall.of(label, settings.rule(), settings.taxonomy());
    List<String> models = new ArrayList<>();
    models.add(DiagnosisBuilder.modelKey(label.getDetectorModel()));
    for (MemberOutput member : label.getMembers()) {
      models.add(DiagnosisBuilder.modelKey(member.getModel()));
    }
    HeldLabel counts =
        new HeldLabel(
            label.getWbcClass(),
            label.getCountable(),
            call.counted(),
            call.blast(),
            call.blastByA(),
            call.blastByB(),
            label.getBlastProbability() != null,
            models);
    if (!CellFlags.has(flags, CellFlags.DETECTED)) {
      held.put(CellFlags.key(state.caseId, label.getCellId()), counts);
      cells.put(key, CellFlags.with(flags, CellFlags.HELD));
      return false;
    }
    count(state, label.getCellId(), counts);
    cells.put(key, CellFlags.with(flags, CellFlags.LABELLED));
    return true;
  }

  /**
   * Adds one label of a reported cell to its case's counts, and keeps what it added (for a review
   * to replace).
   */
  private void count(CaseState state, String cellId, HeldLabel label) {
    state.cellsLabelled++;
    state.cellsLabelledAndDetected++;
    CountedCell call = CountedCell.of(label);
    call.addTo(state, 1);
    calls.put(CellFlags.key(state.caseId, cellId), call);
    state.ensembleASeen |= label.ensembleA();
    state.models.addAll(label.models());
    metrics.labelCounted();
  }

  /**
   * Replaces the call of a counted cell by the reviewer's. A review of a cell the case has not
   * counted (unknown, or labelled but not yet reported by its field) is refused; one already
   * applied (same id) or older than the review that stands changes nothing.
   */
  private boolean apply(CaseState state, CellReview review) {
    String cellId = review.getCellId();
    String toClass = review.getToClass();
    String which =
        "review " + review.getReviewId() + " of cell " + cellId + " of case " + state.caseId;
    if (toClass != null && !REVIEW_CLASS.matcher(toClass).matches()) {
      throw new IllegalArgumentException(
          which + " names no valid class (1-64 letters, digits, '_', '-' or spaces)");
    }
    String key = CellFlags.key(state.caseId, cellId);
    CountedCell before = calls.get(key);
    if (before == null) {
      Integer flags = cells.get(CellKey.of(state.cellKeys, state.caseId, cellId));
      throw new IllegalArgumentException(
          which
              + ": "
              + (CellFlags.has(flags, CellFlags.HELD)
                  ? "its label is not counted yet (no field result has reported the cell)"
                  : CellFlags.has(flags, CellFlags.LABELLED)
                      ? "it was counted by a release that kept no record per cell"
                      : "the case has no such cell"));
    }
    long reviewedAt = review.getReviewedAt().toEpochMilli();
    if (review.getReviewId().equals(before.reviewId())
        || before.isReviewed() && reviewedAt < before.reviewedAtMillis()) {
      metrics.duplicateIgnored();
      return false;
    }
    CountedCell after =
        CountedCell.reviewed(toClass, settings.taxonomy(), review.getReviewId(), reviewedAt);
    before.addTo(state, -1);
    after.addTo(state, 1);
    if (!before.isReviewed()) {
      state.cellsReviewed++;
    }
    calls.put(key, after);
    LOG.info(
        "Case {}: cell {} reviewed ({} -> {})",
        state.caseId,
        cellId,
        before.countable() ? before.wbcClass() : "not countable",
        toClass == null ? "not countable" : toClass);
    return true;
  }

  private void punctuate(long now) {
    current = null;
    List<KeyValue<String, CaseState>> updates = new ArrayList<>();
    List<CaseState> expired = new ArrayList<>();
    List<CaseState> unknown = new ArrayList<>();
    long open = 0;
    long drained = watermark.watermark(now);
    metrics.pipelineDrainedUntil(now, drained);
    metrics.groupLag(watermark.groupLag());
    try (var all = cases.all()) {
      while (all.hasNext()) {
        KeyValue<String, CaseState> entry = all.next();
        CaseState state = entry.value;
        if (state.finalEmitted) {
          if (state.dirty
              && now - state.finalEmittedAtMillis >= settings.preliminaryInterval().toMillis()) {
            emit(state, DiagnosisStatus.FINAL, revisionReason(state), now); // after reviews
            updates.add(entry);
          } else if (now - state.finalEmittedAtMillis >= settings.finalRetention().toMillis()) {
            expired.add(state);
          }
          continue;
        }
        open++;
        if (drained != PipelineWatermark.UNKNOWN
            && drained - state.lastActivityMillis >= settings.incompleteTimeout().toMillis()) {
          if (state.patientKey == null) {
            // No OPENED or CLOSED ever named this case: no report for nobody.
            LOG.warn(
                "Case {} had records but no OPENED or CLOSED event within {}; dropped, not reported",
                state.caseId,
                settings.incompleteTimeout());
            unknown.add(state);
            continue;
          }
          emit(state, DiagnosisStatus.FINAL, state.isComplete() ? null : state.missing(), now);
          updates.add(entry);
        } else if (state.dirty
            && now - state.lastPreliminaryMillis >= settings.preliminaryInterval().toMillis()) {
          emit(state, DiagnosisStatus.PRELIMINARY, null, now);
          updates.add(entry);
        }
      }
    }
    updates.forEach(u -> cases.put(u.key, u.value));
    for (CaseState state : expired) {
      forgetCells(state);
      cases.delete(state.caseId);
    }
    for (CaseState state : unknown) {
      forgetCells(state);
      cases.delete(state.caseId);
      metrics.unknownCaseDropped();
    }
    metrics.openCases(
        open - unknown.size() - updates.stream().filter(u -> u.value.finalEmitted).count());
  }

  /** A revision of a case decided INCOMPLETE stays INCOMPLETE, with what it still lacks. */
  private static String revisionReason(CaseState state) {
    return state.isComplete() ? null : state.missing();
  }

  private void emit(CaseState state, DiagnosisStatus status, String incompleteReason, long now) {
    boolean revision = state.finalEmitted; // a FINAL again, after reviews of the decided case
    state.sequence++;
    var diagnosis = diagnoses.build(state, status, incompleteReason, now);
    SpanContext scan = TraceHeaders.fromTraceparent(state.traceparent);
    Headers headers;
    if (status == DiagnosisStatus.FINAL) {
      // The FINAL: a child of the case's scan, linked to the label that completed it.
      SpanBuilder builder =
          tracer
              .spanBuilder("aggregator final")
              .setParent(scan.isValid() ? Context.root().with(Span.wrap(scan)) : Context.root())
              .setSpanKind(SpanKind.PRODUCER)
              .setAttribute("leukostream.case_id", state.caseId)
              .setAttribute("leukostream.decision", diagnosis.getDecision().name())
              .setAttribute("leukostream.borderline", diagnosis.getBorderline())
              .setAttribute("leukostream.revision", state.sequence);
      SpanContext lastLabel = TraceHeaders.fromTraceparent(state.lastLabelTraceparent);
      if (lastLabel.isValid()) {
        builder.addLink(lastLabel);
      }
      Span span = builder.startSpan();
      span.end();
      headers = TraceHeaders.of(span);
    } else {
      headers = TraceHeaders.of(Span.wrap(scan)); // preliminaries travel in the case's trace
    }
    context.forward(
        new Record<String, SpecificRecord>(state.caseId, diagnosis, now, headers),
        AggregatorTopology.DIAGNOSES_SINK);
    state.dirty = false;
    if (status == DiagnosisStatus.FINAL) {
      state.finalEmitted = true;
      state.finalEmittedAtMillis = now;
      if (revision) {
        LOG.info("Case {}: FINAL revision {} after reviews", state.caseId, state.sequence);
        return;
      }
      dropHeldLabels(state.caseId);
      metrics.finalEmitted(
          diagnosis.getDecision(),
          diagnosis.getBorderline(),
          state.closedAtMillis == null ? -1 : Math.max(0, now - state.closedAtMillis));
    } else {
      state.lastPreliminaryMillis = now;
    }
  }

  /**
   * Labels still held at a FINAL belong to cells no field result reported: never counted, counted
   * here.
   */
  private void dropHeldLabels(String caseId) {
    List<String> heldKeys = new ArrayList<>();
    try (var scan = held.prefixScan(CellFlags.prefix(caseId), new StringSerializer())) {
      scan.forEachRemaining(kv -> heldKeys.add(kv.key));
    }
    heldKeys.forEach(held::delete);
    if (!heldKeys.isEmpty()) {
      LOG.warn(
          "Case {} decided with {} labels of cells no field result reported: not counted",
          caseId,
          heldKeys.size());
      metrics.undetectedLabelsIgnored(heldKeys.size());
    }
  }

  /**
   * A case forgotten (retention over, or never named) needs no per-cell state. A decided case keeps
   * it until then, so that a redelivered label stays a duplicate, also after a reopening.
   */
  private void forgetCells(CaseState state) {
    dropHeldLabels(state.caseId);
    List<Bytes> keys = new ArrayList<>();
    try (var scan =
        cells.prefixScan(CellKey.prefix(state.cellKeys, state.caseId), new BytesSerializer())) {
      scan.forEachRemaining(
          kv -> {
            if (CellKey.belongsTo(state.cellKeys, kv.key, state.caseId)) {
              keys.add(kv.key);
            }
          });
    }
    keys.forEach(cells::delete);
    List<String> callKeys = new ArrayList<>();
    try (var scan = calls.prefixScan(CellFlags.prefix(state.caseId), new StringSerializer())) {
      scan.forEachRemaining(kv -> callKeys.add(kv.key));
    }
    callKeys.forEach(calls::delete);
  }

  private void deadLetter(
      Record<String, SpecificRecord> record, String caseId, RuntimeException e) {
    current = null; // the record may have changed the state before it failed: read the store
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("unknown");
    int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
    long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
    byte[] key = caseId == null ? null : caseId.getBytes(StandardCharsets.UTF_8);
    byte[] value = record.value() == null ? null : reencode.apply(topic, record.value());
    var letter =
        DeadLetters.of(
            AggregatorTopology.SERVICE,
            topic,
            partition,
            offset,
            key,
            value,
            caseId,
            e,
            Instant.ofEpochMilli(context.currentSystemTimeMs()));
    context.forward(
        new Record<String, SpecificRecord>(caseId, letter, context.currentSystemTimeMs()),
        AggregatorTopology.DLQ_SINK);
    metrics.deadLettered();
  }
}
