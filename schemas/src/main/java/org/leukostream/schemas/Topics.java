package org.leukostream.schemas;

import java.util.List;
import java.util.Optional;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.CellReview;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.SlideField;

/**
 * The topic catalogue: the only place topic names are written. Keys are {@code caseId} everywhere
 * except {@link #CELL_CROPS}, keyed by {@link #cropKey} so that one large case spreads over
 * classifier pods.
 *
 * <p>The aggregator joins {@link #CASE_EVENTS}, {@link #FIELD_RESULTS}, {@link #CELL_LABELS} and
 * {@link #CELL_REVIEWS} by {@code caseId}, so they must stay co-partitioned: same key, same
 * partition count.
 */
public final class Topics {
  private static final int MIB = 1024 * 1024;
  private static final int CASE_PARTITIONS = 6;

  /** One microscope field; the inline image is at most 1 MiB, so the topic takes 2 MiB messages. */
  public static final Topic<SlideField> SLIDE_FIELDS =
      new Topic<>("slide.fields.v1", SlideField.class, CASE_PARTITIONS, 2 * MIB);

  /** Case opened, closed (with the number of fields) or signed by a reviewer. */
  public static final Topic<CaseEvent> CASE_EVENTS =
      new Topic<>("case.events.v1", CaseEvent.class, CASE_PARTITIONS, MIB);

  /** One detected white cell with its crop; keyed by {@code caseId/fieldIndex}. */
  public static final Topic<CellCrop> CELL_CROPS =
      new Topic<>("cell.crops.v1", CellCrop.class, 2 * CASE_PARTITIONS, MIB);

  /** What detection made of one field: its cell ids, or why it was rejected. */
  public static final Topic<FieldResult> FIELD_RESULTS =
      new Topic<>("field.results.v1", FieldResult.class, CASE_PARTITIONS, MIB);

  /** One labelled cell: stage-1 verdict, ensemble B class, ensemble A blast probability. */
  public static final Topic<CellLabel> CELL_LABELS =
      new Topic<>("cell.labels.v1", CellLabel.class, CASE_PARTITIONS, MIB);

  /** A reviewer's change of one cell's class (the review page); the aggregator applies it. */
  public static final Topic<CellReview> CELL_REVIEWS =
      new Topic<>("cell.reviews.v1", CellReview.class, CASE_PARTITIONS, MIB);

  /** PRELIMINARY updates and the one FINAL decision per case. */
  public static final Topic<Diagnosis> DIAGNOSES =
      new Topic<>("diagnoses.v1", Diagnosis.class, CASE_PARTITIONS, MIB);

  /** Fields the detector could not use; the envelope holds the whole original record. */
  public static final Topic<DeadLetter> SLIDE_FIELDS_DLQ =
      new Topic<>("slide.fields.dlq", DeadLetter.class, 1, 3 * MIB);

  /** Crops the classifier could not label. */
  public static final Topic<DeadLetter> CELL_CROPS_DLQ =
      new Topic<>("cell.crops.dlq", DeadLetter.class, 1, 2 * MIB);

  /** Records of the aggregator's input topics it could not read or process. */
  public static final Topic<DeadLetter> AGGREGATOR_DLQ =
      new Topic<>("aggregator.dlq", DeadLetter.class, 1, 2 * MIB);

  /** FHIR R4 reports of FINAL diagnoses, preliminary until signed off (EHR bridge). */
  public static final Topic<FhirReport> FHIR_REPORTS =
      new Topic<>("fhir.reports.v1", FhirReport.class, CASE_PARTITIONS, 2 * MIB);

  /** Reports the hospital's FHIR server rejected (with its OperationOutcome) or never took. */
  public static final Topic<DeadLetter> FHIR_REPORTS_DLQ =
      new Topic<>("fhir.reports.dlq", DeadLetter.class, 1, 3 * MIB);

  /** Every topic, in pipeline order. */
  public static final List<Topic<?>> ALL =
      List.of(
          SLIDE_FIELDS,
          CASE_EVENTS,
          CELL_CROPS,
          FIELD_RESULTS,
          CELL_LABELS,
          CELL_REVIEWS,
          DIAGNOSES,
          FHIR_REPORTS,
          SLIDE_FIELDS_DLQ,
          CELL_CROPS_DLQ,
          AGGREGATOR_DLQ,
          FHIR_REPORTS_DLQ);

  private Topics() {}

  /** The key of a {@link #CELL_CROPS} record. */
  public static String cropKey(String caseId, int fieldIndex) {
    return caseId + "/" + fieldIndex;
  }

  /**
   * The case of a {@link #CELL_CROPS} key, for a record that cannot be read: what comes before the
   * last {@code /}, or the key itself when it has none (null for none).
   */
  public static String caseOfCropKey(String key) {
    int slash = key == null ? -1 : key.lastIndexOf('/');
    return slash < 0 ? key : key.substring(0, slash);
  }

  /** The dead-letter topics, one per stage that gives up on records. */
  public static final List<Topic<DeadLetter>> DEAD_LETTERS =
      List.of(SLIDE_FIELDS_DLQ, CELL_CROPS_DLQ, AGGREGATOR_DLQ, FHIR_REPORTS_DLQ);

  /** Whether {@code topic} holds dead letters. */
  public static boolean isDeadLetterTopic(Topic<?> topic) {
    return DEAD_LETTERS.contains(topic);
  }

  /** The catalogue entry named {@code name}. */
  public static Optional<Topic<?>> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
