package org.leukostream.aggregator.rest;

import java.util.Map;
import java.util.TreeMap;
import org.leukostream.avro.ClassCount;
import org.leukostream.avro.Diagnosis;

/** The live state of a case as {@code GET /cases/{caseId}} returns it. */
public record CaseView(
    String caseId,
    String status,
    String decision,
    String incompleteReason,
    int cellsCounted,
    int lymphoblasts,
    double blastPercent,
    double blastPercentLower95,
    double blastPercentUpper95,
    boolean borderline,
    Double adjustedBlastPercent,
    Double adjustedBlastPercentLower95,
    Double adjustedBlastPercentUpper95,
    boolean decidedOnAdjusted,
    Double ensembleABlastPercent,
    Double ensembleBBlastPercent,
    Map<String, Integer> classCounts,
    int cellsDetected,
    int cellsLabelled,
    int cellsUncountable,
    Integer fieldsExpected,
    int fieldsSeen,
    int fieldsRejected,
    String rule,
    String servedBy) {

  static CaseView of(Diagnosis d, boolean decided, String servedBy) {
    Map<String, Integer> counts = new TreeMap<>();
    for (ClassCount c : d.getClassCounts()) {
      counts.put(c.getClassName(), c.getCount());
    }
    return new CaseView(
        d.getCaseId(),
        decided ? "FINAL" : "OPEN",
        d.getDecision().name(),
        d.getIncompleteReason(),
        d.getCellsCounted(),
        d.getLymphoblasts(),
        d.getBlastPercent(),
        d.getBlastPercentLower95(),
        d.getBlastPercentUpper95(),
        d.getBorderline(),
        d.getAdjustedBlastPercent(),
        d.getAdjustedBlastPercentLower95(),
        d.getAdjustedBlastPercentUpper95(),
        d.getDecidedOnAdjusted(),
        d.getEnsembleABlastPercent(),
        d.getEnsembleBBlastPercent(),
        counts,
        d.getCellsDetected(),
        d.getCellsLabelled(),
        d.getCellsUncountable(),
        d.getFieldsExpected(),
        d.getFieldsSeen(),
        d.getFieldsRejected(),
        d.getRule().getName()
            + " ("
            + d.getRule().getComparison()
            + " "
            + d.getRule().getThresholdPercent()
            + "%)",
        servedBy);
  }
}
