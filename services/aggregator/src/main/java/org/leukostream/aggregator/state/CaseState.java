package org.leukostream.aggregator.state;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the aggregator keeps about one case between records, in the {@code case-state} store.
 * Cells themselves are tracked one entry each in the {@code case-cells} store (see {@link
 * CellFlags}), so this stays small however many cells a case has. Mutable; stored in the binary
 * layout of {@link CaseStateSerde}.
 */
public final class CaseState {
  public String caseId;
  public String patientKey;

  /** The order (accession) number from the OPENED event, or null. */
  public String accession;

  /** The W3C {@code traceparent} of the case's scan (its OPENED or CLOSED event), or null. */
  public String traceparent;

  /** The {@code traceparent} of the case's latest label: its FINAL's span links it. */
  public String lastLabelTraceparent;

  public String specimenType;
  public Long openedAtMillis;
  public Long closedAtMillis;
  public Integer expectedFields;
  public TreeSet<Integer> fieldsSeen = new TreeSet<>();
  public int fieldsRejected;
  public int cellsDetected;
  public int cellsLabelled;

  /**
   * Labelled cells that a field result also reported: complete when this reaches cellsDetected.
   * Since labels are counted only for reported cells it equals cellsLabelled, except in state
   * written by an earlier release, which counted a label before its cell was reported.
   */
  public int cellsLabelledAndDetected;

  public int cellsUncountable;

  /** Cells a reviewer re-classified (cell.reviews.v1): counted under the reviewer's class. */
  public int cellsReviewed;

  /** Countable cells per ensemble-B class. */
  public TreeMap<String, Integer> classCounts = new TreeMap<>();

  public int counted;
  public int blasts;
  public int blastsByA;
  public int blastsByB;
  public boolean ensembleASeen;

  /** "name@version" of every model behind the counts. */
  public TreeSet<String> models = new TreeSet<>();

  public long sequence;
  public long lastActivityMillis;
  public long lastPreliminaryMillis;

  /** Counts changed since the last event. */
  public boolean dirty;

  public boolean finalEmitted;

  /** Times the case was taken back to counting after a FINAL (REOPENED). */
  public int reopenings;

  public Long finalEmittedAtMillis;

  /**
   * The {@link CellKey} layout of this case's entries in the {@code case-cells} store: {@link
   * CellKey#LEGACY} (0, what state without the field reads as) for a case an earlier release
   * opened, so that its cells are found where that release put them.
   */
  public int cellKeys;

  public CaseState() {}

  public CaseState(String caseId, long nowMillis) {
    this.caseId = caseId;
    this.lastActivityMillis = nowMillis;
    this.cellKeys = CellKey.CURRENT;
  }

  public boolean isComplete() {
    return expectedFields != null
        && fieldsSeen.size() >= expectedFields
        && cellsLabelledAndDetected >= cellsDetected;
  }

  /** What a complete case would still need, for an INCOMPLETE decision's reason. */
  public String missing() {
    StringBuilder reason = new StringBuilder();
    if (expectedFields == null) {
      reason.append("no CLOSED event; ");
    } else if (fieldsSeen.size() < expectedFields) {
      reason
          .append(expectedFields - fieldsSeen.size())
          .append(" of ")
          .append(expectedFields)
          .append(" fields without a result; ");
    }
    if (cellsLabelledAndDetected < cellsDetected) {
      reason
          .append(cellsDetected - cellsLabelledAndDetected)
          .append(" of ")
          .append(cellsDetected)
          .append(" detected cells without a label; ");
    }
    return reason.isEmpty() ? "nothing" : reason.substring(0, reason.length() - 2);
  }
}
