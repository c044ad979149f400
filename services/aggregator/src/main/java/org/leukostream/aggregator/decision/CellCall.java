package org.leukostream.aggregator.decision;

import org.leukostream.avro.CellLabel;

/**
 * What one label adds to the counts of its case.
 *
 * @param counted the cell is countable and nucleated: it joins the denominator
 * @param blast it is a lymphoblast under the configured policy
 * @param blastByA ensemble A alone calls it a blast (among B's lymphoid cells)
 * @param blastByB ensemble B alone calls it a lymphoblast
 */
public record CellCall(boolean counted, boolean blast, boolean blastByA, boolean blastByB) {

  /** Applies the rule's policy and the taxonomy to one label. */
  public static CellCall of(CellLabel label, RuleSettings rule, Taxonomy taxonomy) {
    String wbcClass = label.getWbcClass();
    boolean counted = label.getCountable() && taxonomy.isNucleated(wbcClass);
    if (!counted) {
      return new CellCall(false, false, false, false);
    }
    boolean byB = taxonomy.lymphoblastClass().equals(wbcClass);
    Double pBlast = label.getBlastProbability();
    boolean aSaysBlast = pBlast != null && pBlast >= rule.blastThresholdFor(label);
    boolean byA = taxonomy.isLymphoid(wbcClass) && aSaysBlast;
    boolean blast =
        switch (rule.policy()) {
          case B_CLASS_A_BLAST -> pBlast == null ? byB : byA;
          case B_ONLY -> byB;
          case A_ON_LYMPHOID -> byA;
          case BOTH_AGREE -> byB && aSaysBlast;
        };
    return new CellCall(true, blast, byA, byB);
  }
}
