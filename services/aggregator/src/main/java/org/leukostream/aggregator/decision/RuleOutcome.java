package org.leukostream.aggregator.decision;

import org.leukostream.avro.Comparison;
import org.leukostream.avro.Decision;

/**
 * The rule applied to a case's counts: decision, blast percentage and its Wilson 95% interval.
 *
 * @param decision ALL, NOT_ALL or INSUFFICIENT_CELLS
 * @param blastPercent 0..100
 * @param lowerPercent lower end of the 95% interval, 0..100
 * @param upperPercent upper end of the 95% interval, 0..100
 * @param borderline the interval contains the threshold
 */
public record RuleOutcome(
    Decision decision,
    double blastPercent,
    double lowerPercent,
    double upperPercent,
    boolean borderline) {

  /** Applies {@code rule} to {@code blasts} lymphoblasts among {@code counted} countable cells. */
  public static RuleOutcome apply(RuleSettings rule, long blasts, long counted) {
    Wilson.Interval interval = Wilson.interval95(blasts, counted);
    double percent = counted == 0 ? 0 : 100.0 * blasts / counted;
    double lower = 100 * interval.lower();
    double upper = 100 * interval.upper();
    boolean borderline = lower <= rule.thresholdPercent() && rule.thresholdPercent() <= upper;
    Decision decision;
    if (counted < rule.minimumCells()) {
      decision = Decision.INSUFFICIENT_CELLS;
    } else {
      // Compared on integers scaled by 100, so that exactly 20.0% is not lost to rounding.
      int sign = Double.compare(100.0 * blasts, rule.thresholdPercent() * counted);
      boolean meets = rule.comparison() == Comparison.GREATER_THAN ? sign > 0 : sign >= 0;
      decision = meets ? Decision.ALL : Decision.NOT_ALL;
    }
    return new RuleOutcome(decision, percent, lower, upper, borderline);
  }
}
