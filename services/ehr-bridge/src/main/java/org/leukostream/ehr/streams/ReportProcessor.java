package org.leukostream.ehr.streams;

import java.time.Instant;
import java.util.Objects;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.ReportStatus;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.ehr.fhir.SignOff;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.signoff.SignOffSeal;
import org.leukostream.schemas.tracing.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per case: a FINAL diagnosis newer than the one stored becomes a report (preliminary, or final if
 * the case is already signed); a SIGNED event that changes the sign-off republishes the report as
 * final. A redelivered diagnosis or sign-off changes nothing and publishes nothing. PRELIMINARY
 * diagnoses and other case events are not reports and are skipped.
 */
final class ReportProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(ReportProcessor.class);

  private final ReportBuilder builder;
  private final BiFunction<String, SpecificRecord, byte[]> reencoder;
  private final SignOffSeal seal;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, Diagnosis> diagnoses;
  private KeyValueStore<String, CaseEvent> signOffs;
  private KeyValueStore<String, FhirReport> reports;

  /**
   * @param reencoder writes a value read back to its bytes, for a dead letter
   */
  ReportProcessor(
      ReportBuilder builder,
      BiFunction<String, SpecificRecord, byte[]> reencoder,
      SignOffSeal seal) {
    this.builder = builder;
    this.reencoder = reencoder;
    this.seal = seal;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.diagnoses = context.getStateStore(ReportTopology.DIAGNOSIS_STORE);
    this.signOffs = context.getStateStore(ReportTopology.SIGNOFF_STORE);
    this.reports = context.getStateStore(ReportTopology.REPORT_STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    String caseId = record.key();
    if (caseId == null) {
      return;
    }
    try {
      if (record.value() instanceof Diagnosis diagnosis) {
        onDiagnosis(caseId, diagnosis, record.headers());
      } else if (record.value() instanceof CaseEvent event) {
        onCaseEvent(caseId, event, record.headers());
      } else if (record.value() == null) {
        throw new IllegalArgumentException("a tombstone: no diagnosis or case event to report on");
      }
    } catch (RegistryUnavailableException e) {
      // The registry, not the record: the stream stops uncommitted (health DOWN, restarted) and
      // reads the record again, instead of dead-lettering a good diagnosis or sign-off.
      throw e;
    } catch (RuntimeException e) {
      deadLetter(record, e);
    }
  }

  private void onDiagnosis(String caseId, Diagnosis diagnosis, Headers headers) {
    if (diagnosis.getStatus() != DiagnosisStatus.FINAL) {
      return;
    }
    Diagnosis stored = diagnoses.get(caseId);
    if (stored != null && stored.getSequence() >= diagnosis.getSequence()) {
      LOG.debug("Case {}: diagnosis {} already reported", caseId, diagnosis.getSequence());
      return;
    }
    diagnoses.put(caseId, diagnosis);
    publish(caseId, diagnosis, signOffs.get(caseId), headers);
  }

  private void onCaseEvent(String caseId, CaseEvent event, Headers headers) {
    if (event.getType() != CaseEventType.SIGNED) {
      return;
    }
    if (!seal.verify(event, headers)) {
      throw new IllegalArgumentException(
          "SIGNED event of case "
              + caseId
              + " without the bridge's seal: a sign-off counts only through POST"
              + " /cases/{caseId}/sign");
    }
    CaseEvent stored = signOffs.get(caseId);
    if (stored != null && sameSignOff(stored, event)) {
      return;
    }
    if (stored != null && event.getAmendmentReason() == null) {
      throw new IllegalArgumentException(
          "case "
              + caseId
              + " was signed off before by "
              + stored.getReviewerId()
              + ": a further sign-off amends the report and must give an amendment reason");
    }
    signOffs.put(caseId, event);
    Diagnosis diagnosis = diagnoses.get(caseId);
    if (diagnosis == null) {
      LOG.warn("Case {} signed off before its FINAL diagnosis arrived: kept for it", caseId);
      return;
    }
    publish(caseId, diagnosis, event, headers);
  }

  /**
   * @param headers of the record that brought the report about: its trace context travels on, so
   *     the delivery of a FINAL is a child of the aggregator's FINAL span
   */
  private void publish(String caseId, Diagnosis diagnosis, CaseEvent signed, Headers headers) {
    if (signed != null && signed.getOccurredAt().isBefore(diagnosis.getDecidedAt())) {
      // A revision decided after the sign-off (the case was reopened): the reviewer has not seen
      // it, so it is reported unsigned until signed again (an amendment, with its reason).
      LOG.info(
          "Case {}: diagnosis {} decided after the sign-off of an earlier one: reported unsigned",
          caseId,
          diagnosis.getSequence());
      signed = null;
    }
    SignOff signOff =
        signed == null
            ? null
            : new SignOff(
                signed.getReviewerId(),
                signed.getCorrectedDecision(),
                signed.getComment(),
                signed.getAmendmentReason(),
                signed.getOccurredAt());
    FhirReport last = reports.get(caseId);
    FhirReport report =
        FhirReport.newBuilder()
            .setCaseId(caseId)
            .setPatientKey(diagnosis.getPatientKey())
            .setReportStatus(
                signOff == null
                    ? ReportStatus.PRELIMINARY
                    : signOff.amends() ? ReportStatus.AMENDED : ReportStatus.FINAL)
            .setDecision(
                signOff != null && signOff.correctedDecision() != null
                    ? signOff.correctedDecision()
                    : diagnosis.getDecision())
            .setDiagnosisSequence(diagnosis.getSequence())
            .setReviewerId(signOff == null ? null : signOff.reviewerId())
            .setRevision(last == null ? 1 : last.getRevision() + 1)
            .setBundle(builder.json(builder.build(diagnosis, signOff)))
            .setPublishedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
            .build();
    reports.put(caseId, report);
    context.forward(
        new Record<String, SpecificRecord>(
            caseId, report, context.currentSystemTimeMs(), TraceHeaders.only(headers)),
        ReportTopology.REPORTS_SINK);
  }

  private static boolean sameSignOff(CaseEvent a, CaseEvent b) {
    return Objects.equals(a.getReviewerId(), b.getReviewerId())
        && a.getCorrectedDecision() == b.getCorrectedDecision()
        && Objects.equals(a.getComment(), b.getComment())
        && a.getAmendmentReason() == b.getAmendmentReason();
  }

  private void deadLetter(Record<String, SpecificRecord> record, RuntimeException error) {
    String topic = context.recordMetadata().map(m -> m.topic()).orElse("unknown");
    LOG.error("Case {}: cannot build its report: {}", record.key(), error.toString(), error);
    byte[] value = record.value() == null ? null : reencoder.apply(topic, record.value());
    DeadLetter letter =
        DeadLetters.of(
            ReportTopology.SERVICE,
            topic,
            context.recordMetadata().map(m -> m.partition()).orElse(-1),
            context.recordMetadata().map(m -> m.offset()).orElse(-1L),
            record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            value,
            record.key(),
            error,
            Instant.ofEpochMilli(context.currentSystemTimeMs()));
    context.forward(
        new Record<String, SpecificRecord>(record.key(), letter, context.currentSystemTimeMs()),
        ReportTopology.DLQ_SINK);
  }
}
