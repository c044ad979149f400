package org.leukostream.aggregator.decision;

import org.leukostream.avro.Comparison;
import org.leukostream.avro.Decision;

/**
 * The rule applied to a case's counts: decision, the raw blast percentage with its Wilson 95%
 * interval and, where the rule carries the chain's {@link CallRates}, the adjusted estimate of the
 * true blast percentage with its 95% interval.
 *
 * @param decision ALL, NOT_ALL or INSUFFICIENT_CELLS
 * @param blastPercent share of counted cells called lymphoblasts, 0..100
 * @param lowerPercent lower end of its Wilson 95% interval, 0..100
 * @param upperPercent upper end of its Wilson 95% interval, 0..100
 * @param borderline the interval the decision is made on contains the threshold
 * @param adjusted the adjusted estimate (percentages, 0..100), or null without call rates
 * @param decidedOnAdjusted whether the decision and {@code borderline} come from {@code adjusted}
 */
public record RuleOutcome(
    Decision decision,
    double blastPercent,
    double lowerPercent,
    double upperPercent,
    boolean borderline,
    CallRates.Estimate adjusted,
    boolean decidedOnAdjusted) {

  /** Applies {@code rule} to {@code blasts} lymphoblasts among {@code counted} countable cells. */
  public static RuleOutcome apply(RuleSettings rule, long blasts, long counted) {
    Wilson.Interval interval = Wilson.interval95(blasts, counted);
    double percent = counted == 0 ? 0 : 100.0 * blasts / counted;
    double lower = 100 * interval.lower();
    double upper = 100 * interval.upper();
    CallRates.Estimate adjusted = null;
    if (rule.rates() != null) {
      CallRates.Estimate share = rule.rates().adjust(blasts, counted);
      adjusted =
          new CallRates.Estimate(100 * share.share(), 100 * share.lower(), 100 * share.upper());
    }
    boolean onAdjusted = adjusted != null && rule.decideOnAdjusted();
    double threshold = rule.thresholdPercent();
    boolean borderline =
        onAdjusted ? adjusted.contains(threshold) : lower <= threshold && threshold <= upper;
    Decision decision;
    if (counted < rule.minimumCells()) {
      decision = Decision.INSUFFICIENT_CELLS;
    } else {
      // The raw share is compared on integers scaled by 100, so that exactly 20.0% is not lost to
      // rounding.
      int sign =
          onAdjusted
              ? Double.compare(adjusted.share(), threshold)
              : Double.compare(100.0 * blasts, threshold * counted);
      boolean meets = rule.comparison() == Comparison.GREATER_THAN ? sign > 0 : sign >= 0;
      decision = meets ? Decision.ALL : Decision.NOT_ALL;
    }
    return new RuleOutcome(decision, percent, lower, upper, borderline, adjusted, onAdjusted);
  }
}
