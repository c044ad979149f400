package org.leukostream.ehr.fhir;

import java.time.Instant;
import org.leukostream.avro.AmendmentReason;
import org.leukostream.avro.Decision;

/**
 * A reviewer's verification of a case's FINAL diagnosis.
 *
 * @param reviewerId who signed
 * @param correctedDecision the reviewer's decision where it differs from the system's; null if none
 * @param comment the reviewer's remark, or null
 * @param amendmentReason why a report already signed off was changed; null for a first sign-off
 * @param signedAt when
 */
public record SignOff(
    String reviewerId,
    Decision correctedDecision,
    String comment,
    AmendmentReason amendmentReason,
    Instant signedAt) {

  /** Whether this sign-off changed a report that had been signed off before. */
  public boolean amends() {
    return amendmentReason != null;
  }
}
