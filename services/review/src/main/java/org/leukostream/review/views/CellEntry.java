package org.leukostream.review.views;

import java.util.List;

/**
 * One labelled cell as the view keeps it (store {@value ReviewTopology#CELLS}, key {@link
 * ReviewTopology#cellKey}): the models' verdict and the reviewer's, if any.
 *
 * @param cellId the cell
 * @param fieldIndex the field it was found in
 * @param modelClass ensemble B's class
 * @param modelCountable the stage-1 verdict
 * @param countableProbability stage 1's probability that it is countable
 * @param probabilities ensemble B's probability per class, in its manifest's order
 * @param blastProbability ensemble A's probability of a blast, null without ensemble A
 * @param blastThreshold the threshold of ensemble A's operating point the label carried (from which
 *     the aggregator calls the cell a blast), null where none was carried
 * @param reviewed a reviewer has moved it
 * @param reviewedClass the reviewer's class, null for "not countable"
 * @param reviewerId who moved it last
 * @param reviewedAtMillis when
 * @param seenAtMillis when the view last changed it (for retention)
 */
public record CellEntry(
    String cellId,
    int fieldIndex,
    String modelClass,
    boolean modelCountable,
    double countableProbability,
    List<ClassScore> probabilities,
    Double blastProbability,
    Double blastThreshold,
    boolean reviewed,
    String reviewedClass,
    String reviewerId,
    Long reviewedAtMillis,
    long seenAtMillis) {

  /** A class and its probability. */
  public record ClassScore(String wbcClass, double probability) {}

  /** The class it is counted under now; null when it is not countable. */
  public String currentClass() {
    if (reviewed) {
      return reviewedClass;
    }
    return modelCountable ? modelClass : null;
  }

  CellEntry withReview(String toClass, String reviewer, long atMillis, long now) {
    return new CellEntry(
        cellId,
        fieldIndex,
        modelClass,
        modelCountable,
        countableProbability,
        probabilities,
        blastProbability,
        blastThreshold,
        true,
        toClass,
        reviewer,
        atMillis,
        now);
  }
}
