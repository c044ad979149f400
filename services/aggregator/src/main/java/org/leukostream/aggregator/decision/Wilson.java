package org.leukostream.aggregator.decision;

/**
 * The Wilson score interval of a binomial proportion (Wilson 1927), good at small counts and near
 * 0.
 */
public final class Wilson {
  /** The 97.5% quantile of the standard normal distribution: a two-sided 95% interval. */
  public static final double Z_95 = 1.959963984540054;

  private Wilson() {}

  /** A proportion interval, both ends in 0..1. */
  public record Interval(double lower, double upper) {}

  /**
   * The 95% interval of {@code successes} out of {@code trials}; [0, 1] when there are no trials.
   */
  public static Interval interval95(long successes, long trials) {
    if (trials <= 0) {
      return new Interval(0, 1);
    }
    double n = trials;
    double p = successes / n;
    double z2 = Z_95 * Z_95;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = Z_95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
    // At 0 and n successes the exact ends are 0 and 1; the closed form only gets there up to
    // rounding.
    double lower = successes == 0 ? 0 : Math.max(0, centre - half);
    double upper = successes >= trials ? 1 : Math.min(1, centre + half);
    return new Interval(lower, upper);
  }
}
