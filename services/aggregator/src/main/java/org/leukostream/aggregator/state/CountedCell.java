package org.leukostream.aggregator.state;

import org.leukostream.aggregator.decision.Taxonomy;

/**
 * What one counted cell adds to its case right now, kept per cell in the {@code case-cell-calls}
 * store (keyed like the held labels, {@link CellFlags#key}) so that a reviewer's change can take
 * the models' call out of the counts and put the reviewer's in, exactly once. JSON, like the held
 * labels.
 *
 * @param wbcClass the class it is counted under (countable cells only)
 * @param countable it is in the differential at all
 * @param counted it joins the denominator (countable and nucleated)
 * @param blast a lymphoblast under the configured policy, or by the reviewer's class
 * @param blastByA ensemble A alone calls it a blast (a reviewed cell: the reviewer's blast)
 * @param blastByB ensemble B alone calls it a lymphoblast (a reviewed cell: the reviewer's blast)
 * @param reviewId the review that set this call, null for the models' call
 * @param reviewedAtMillis when that review was made, 0 for the models' call
 */
public record CountedCell(
    String wbcClass,
    boolean countable,
    boolean counted,
    boolean blast,
    boolean blastByA,
    boolean blastByB,
    String reviewId,
    long reviewedAtMillis) {

  /** The models' call, as counted from a label. */
  public static CountedCell of(HeldLabel label) {
    return new CountedCell(
        label.wbcClass(),
        label.countable(),
        label.counted(),
        label.blast(),
        label.blastByA(),
        label.blastByB(),
        null,
        0);
  }

  /**
   * A reviewer's call: {@code toClass} null leaves the cell out of the count (not countable); a
   * class is counted when nucleated, and is a blast exactly when it is the lymphoblast class.
   */
  public static CountedCell reviewed(
      String toClass, Taxonomy taxonomy, String reviewId, long reviewedAtMillis) {
    boolean countable = toClass != null;
    boolean counted = countable && taxonomy.isNucleated(toClass);
    boolean blast = counted && taxonomy.lymphoblastClass().equals(toClass);
    return new CountedCell(
        toClass, countable, counted, blast, blast, blast, reviewId, reviewedAtMillis);
  }

  public boolean isReviewed() {
    return reviewId != null;
  }

  /** Adds ({@code sign} 1) or takes back ({@code sign} -1) this cell's part of the counts. */
  public void addTo(CaseState state, int sign) {
    if (countable) {
      int n = state.classCounts.getOrDefault(wbcClass, 0) + sign;
      if (n == 0) {
        state.classCounts.remove(wbcClass);
      } else {
        state.classCounts.put(wbcClass, n);
      }
    } else {
      state.cellsUncountable += sign;
    }
    if (counted) {
      state.counted += sign;
      state.blasts += blast ? sign : 0;
      state.blastsByA += blastByA ? sign : 0;
      state.blastsByB += blastByB ? sign : 0;
    }
  }
}
