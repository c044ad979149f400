package org.leukostream.review.views;

import java.util.List;

/**
 * One case as the worklist shows it (store {@value ReviewTopology#CASES}, key caseId): its life
 * from the case events and its latest diagnosis.
 *
 * @param caseId the case
 * @param patientKey the pseudonymous patient key (never an identifier in clear)
 * @param specimenType kind of smear, when known
 * @param status OPENED, CLOSED, PRELIMINARY, FINAL or SIGNED
 * @param openedAtMillis when the case was opened
 * @param diagnosis the latest diagnosis, null before the first
 * @param signedBy who signed the latest FINAL, null while unsigned
 * @param signedAtMillis when
 * @param updatedAtMillis when the view last changed it (ordering and retention)
 */
public record CaseEntry(
    String caseId,
    String patientKey,
    String specimenType,
    String status,
    Long openedAtMillis,
    Summary diagnosis,
    String signedBy,
    Long signedAtMillis,
    long updatedAtMillis) {

  /** What the page shows of a diagnosis. */
  public record Summary(
      long sequence,
      String status,
      String decision,
      boolean borderline,
      double blastPercent,
      double blastPercentLower95,
      double blastPercentUpper95,
      Double adjustedBlastPercent,
      Double adjustedBlastPercentLower95,
      Double adjustedBlastPercentUpper95,
      boolean decidedOnAdjusted,
      int cellsCounted,
      int lymphoblasts,
      int cellsDetected,
      int cellsLabelled,
      int cellsUncountable,
      int cellsReviewed,
      List<ClassRow> classCounts,
      String rule,
      String comparison,
      double thresholdPercent,
      int minimumCells,
      String policy,
      long decidedAtMillis) {}

  /** Count and share of one class. */
  public record ClassRow(String wbcClass, int count, Double percentOfCounted) {}

  public boolean signed() {
    return signedBy != null;
  }

  CaseEntry with(String newStatus, Summary newDiagnosis, String signer, Long signedAt, long now) {
    return new CaseEntry(
        caseId,
        patientKey,
        specimenType,
        newStatus,
        openedAtMillis,
        newDiagnosis,
        signer,
        signedAt,
        now);
  }
}
