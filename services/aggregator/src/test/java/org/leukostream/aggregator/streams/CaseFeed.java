package org.leukostream.aggregator.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SpecimenType;

/** The records a case produces upstream of the aggregator: events, field results and labels. */
public record CaseFeed(String caseId, List<List<CellLabel>> fields) {
  static final ModelRef DETECTOR = new ModelRef("wbc-detector", "1");

  /**
   * {@code fieldCount} fields of equal size holding {@code cells} cells, {@code blasts} of them
   * blasts.
   */
  public static CaseFeed of(String caseId, int fieldCount, int cells, int blasts) {
    List<List<CellLabel>> fields = new ArrayList<>();
    for (int f = 0; f < fieldCount; f++) {
      int blastsHere = blasts / fieldCount + (f < blasts % fieldCount ? 1 : 0);
      fields.add(AggregatorTopologyTest.cells(caseId, f, cells / fieldCount, blastsHere));
    }
    return new CaseFeed(caseId, fields);
  }

  public CaseEvent opened() {
    return event(CaseEventType.OPENED, null);
  }

  public CaseEvent closed() {
    return event(CaseEventType.CLOSED, fields.size());
  }

  public FieldResult fieldResult(int index) {
    return FieldResult.newBuilder()
        .setCaseId(caseId)
        .setFieldIndex(index)
        .setStatus(FieldStatus.PROCESSED)
        .setCellIds(fields.get(index).stream().map(CellLabel::getCellId).toList())
        .setDetectorModel(DETECTOR)
        .setProcessedAt(Instant.now())
        .build();
  }

  private CaseEvent event(CaseEventType type, Integer expected) {
    return CaseEvent.newBuilder()
        .setCaseId(caseId)
        .setPatientKey("pk-" + caseId)
        .setType(type)
        .setSpecimenType(SpecimenType.BONE_MARROW)
        .setExpectedFields(expected)
        .setOccurredAt(Instant.now())
        .build();
  }
}
