package org.leukostream.aggregator.decision;

/**
 * How often the classifier chain (stage 1, ensemble B, ensemble A under the rule's {@link
 * LabelPolicy} and blast-probability threshold) counts a countable cell as a lymphoblast, measured
 * on labelled validation cells it never trained on: among true blasts (the true-positive rate) and
 * among true countable non-blasts (the false-positive rate), with the numbers of cells each rate
 * was measured on, which carry its uncertainty.
 *
 * <p>With them the aggregator turns the share of cells <em>called</em> blasts into an estimate of
 * the share that <em>are</em> blasts: adjusted classify-and-count (Forman 2008), {@code theta =
 * (observed - fpr) / (tpr - fpr)}, clipped to [0, 1]. The 95% interval is the delta method's over
 * the three binomial proportions (the case's observed share, tpr and fpr), each with the
 * Agresti-Coull "add two successes and two failures" so that a share of 0 or 1 keeps a width:
 * {@code var(theta) = [var(observed) + (1 - theta)^2 var(fpr) + theta^2 var(tpr)] / (tpr - fpr)^2}.
 * Assumptions: the rates hold for this case's cells (same stain, scanner and detector framing as
 * the validation cells; the false-positive rate does not depend on which non-blast classes the case
 * holds), and cells are called independently.
 *
 * @param truePositiveRate share of true blasts counted as lymphoblasts, 0..1
 * @param falsePositiveRate share of true countable non-blasts counted as lymphoblasts, 0..1
 * @param blasts true blasts the true-positive rate was measured on
 * @param nonBlasts true countable non-blasts the false-positive rate was measured on
 * @param measuredOn what the rates were measured on, for the report (data set, part, models)
 */
public record CallRates(
    double truePositiveRate,
    double falsePositiveRate,
    int blasts,
    int nonBlasts,
    String measuredOn) {
  /** Below this separation the chain tells blasts from the rest too poorly to invert. */
  public static final double MIN_SEPARATION = 0.1;

  public CallRates {
    if (!(truePositiveRate >= 0 && truePositiveRate <= 1)
        || !(falsePositiveRate >= 0 && falsePositiveRate <= 1)) {
      throw new IllegalArgumentException("Call rates are proportions in 0..1");
    }
    if (truePositiveRate - falsePositiveRate < MIN_SEPARATION) {
      throw new IllegalArgumentException(
          "The true-positive rate ("
              + truePositiveRate
              + ") must exceed the false-positive rate ("
              + falsePositiveRate
              + ") by at least "
              + MIN_SEPARATION
              + " for an adjusted count");
    }
    if (blasts <= 0 || nonBlasts <= 0) {
      throw new IllegalArgumentException("Call rates need the numbers of cells they come from");
    }
  }

  /** An estimated share and its 95% interval, all 0..1. */
  public record Estimate(double share, double lower, double upper) {
    /** Whether {@code share} (0..1) lies in the interval. */
    public boolean contains(double value) {
      return lower <= value && value <= upper;
    }
  }

  /**
   * The estimated true share of blasts among {@code counted} cells, {@code called} of them called.
   */
  public Estimate adjust(long called, long counted) {
    if (counted <= 0) {
      return new Estimate(0, 0, 1);
    }
    double separation = truePositiveRate - falsePositiveRate;
    double observed = (double) called / counted;
    double theta = (observed - falsePositiveRate) / separation;
    double variance =
        (agrestiCoullVariance(observed, counted)
                + Math.pow(1 - theta, 2) * agrestiCoullVariance(falsePositiveRate, nonBlasts)
                + theta * theta * agrestiCoullVariance(truePositiveRate, blasts))
            / (separation * separation);
    double half = Wilson.Z_95 * Math.sqrt(variance);
    double share = clip(theta);
    return new Estimate(share, clip(theta - half), clip(theta + half));
  }

  /**
   * Variance of a proportion {@code p} of {@code n} after adding two successes and two failures.
   */
  private static double agrestiCoullVariance(double p, long n) {
    double adjusted = (p * n + 2) / (n + 4);
    return adjusted * (1 - adjusted) / (n + 4);
  }

  private static double clip(double value) {
    return Math.max(0, Math.min(1, value));
  }
}
