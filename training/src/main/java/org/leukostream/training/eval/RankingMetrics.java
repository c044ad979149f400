package org.leukostream.training.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Threshold-free metrics of scores for a positive class: ROC AUC (the probability that a random
 * positive outscores a random negative, ties counted half) and average precision (all-point
 * interpolation: the sum over positives' ranks of precision times the recall step, as
 * scikit-learn's {@code average_precision_score}). One-vs-rest for multi-class: score = the class's
 * probability, positive = the class is the truth.
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  public static double rocAuc(double[] scores, boolean[] positive) {
    Integer[] order = order(scores);
    long positives = count(positive);
    long negatives = positive.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    // Mann-Whitney U with average ranks for ties, ranks ascending by score.
    double rankSum = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          rankSum += rank;
        }
      }
      i = j + 1;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  public static double averagePrecision(double[] scores, boolean[] positive) {
    if (count(positive) == 0) {
      return Double.NaN;
    }
    // The PR curve's points, one per distinct score (tied scores form one threshold).
    double[][] curve = prCurve(scores, positive);
    double ap = 0;
    for (int i = 1; i < curve[0].length; i++) {
      ap += (curve[0][i] - curve[0][i - 1]) * curve[1][i];
    }
    return ap;
  }

  /**
   * A score threshold chosen to bound the false-positive rate, and the rates it gives on these
   * scores: a case is called positive at {@code score >= threshold}.
   */
  public record OperatingPoint(
      double threshold,
      double truePositiveRate,
      double falsePositiveRate,
      long positives,
      long negatives) {

    /**
     * This point as a model's manifest records it for {@code ensemble} ({@code name:version ->
     * weight}), chosen under {@code bound} on the data {@code measuredOn} names.
     */
    public org.leukostream.models.store.OperatingPoint recorded(
        double bound, String measuredOn, java.util.Map<String, Double> ensemble) {
      return new org.leukostream.models.store.OperatingPoint(
          threshold,
          truePositiveRate,
          falsePositiveRate,
          positives,
          negatives,
          bound,
          measuredOn,
          ensemble);
    }
  }

  /**
   * The lowest threshold at which at most {@code maxFalsePositiveRate} of the negatives score at or
   * above it (so the true-positive rate is the highest such a bound allows): just above the score
   * of the {@code floor(max x negatives) + 1}-th highest negative, or the lowest score of all when
   * the bound allows every negative. Ties among negatives make the rate come out lower, never
   * higher.
   */
  public static OperatingPoint operatingPoint(
      double[] scores, boolean[] positive, double maxFalsePositiveRate) {
    long positives = count(positive);
    long negatives = positive.length - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("An operating point needs positives and negatives");
    }
    if (!(maxFalsePositiveRate >= 0 && maxFalsePositiveRate <= 1)) {
      throw new IllegalArgumentException("The false-positive rate bound is in [0, 1]");
    }
    double[] negativeScores = new double[(int) negatives];
    for (int i = 0, n = 0; i < scores.length; i++) {
      if (!positive[i]) {
        negativeScores[n++] = scores[i];
      }
    }
    Arrays.sort(negativeScores); // ascending: the k-th highest is at negatives - 1 - k
    int allowed = (int) Math.floor(maxFalsePositiveRate * negatives + 1e-9);
    double threshold =
        allowed >= negatives
            ? Arrays.stream(scores).min().orElseThrow()
            : Math.nextUp(negativeScores[(int) negatives - 1 - allowed]);
    long truePositives = 0;
    long falsePositives = 0;
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] >= threshold) {
        if (positive[i]) {
          truePositives++;
        } else {
          falsePositives++;
        }
      }
    }
    return new OperatingPoint(
        threshold,
        truePositives / (double) positives,
        falsePositives / (double) negatives,
        positives,
        negatives);
  }

  /** ROC curve points (false-positive rate, true-positive rate) from the highest threshold down. */
  public static double[][] rocCurve(double[] scores, boolean[] positive) {
    return curve(scores, positive, true);
  }

  /** PR curve points (recall, precision) from the highest threshold down. */
  public static double[][] prCurve(double[] scores, boolean[] positive) {
    return curve(scores, positive, false);
  }

  private static double[][] curve(double[] scores, boolean[] positive, boolean roc) {
    Integer[] order = order(scores);
    long positives = Math.max(1, count(positive));
    long negatives = Math.max(1, positive.length - count(positive));
    java.util.List<double[]> points = new java.util.ArrayList<>();
    points.add(roc ? new double[] {0, 0} : new double[] {0, 1});
    long tp = 0;
    long fp = 0;
    int i = order.length - 1;
    while (i >= 0) {
      int j = i;
      while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
        j--;
      }
      for (int k = j; k <= i; k++) {
        if (positive[order[k]]) {
          tp++;
        } else {
          fp++;
        }
      }
      points.add(
          roc
              ? new double[] {fp / (double) negatives, tp / (double) positives}
              : new double[] {tp / (double) positives, tp / (double) (tp + fp)});
      i = j - 1;
    }
    double[][] out = new double[2][points.size()];
    for (int p = 0; p < points.size(); p++) {
      out[0][p] = points.get(p)[0];
      out[1][p] = points.get(p)[1];
    }
    return out;
  }

  private static Integer[] order(double[] scores) {
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, k -> k);
    Arrays.sort(order, Comparator.comparingDouble(k -> scores[k]));
    return order;
  }

  private static long count(boolean[] values) {
    long n = 0;
    for (boolean v : values) {
      n += v ? 1 : 0;
    }
    return n;
  }
}
