package org.leukostream.aggregator.decision;

import org.leukostream.avro.Comparison;
import org.leukostream.avro.DecisionRule;

/**
 * The configured diagnostic rule.
 *
 * @param name e.g. {@code zhou-2021}, {@code who}, {@code fab}
 * @param comparison how the blast percentage meets the threshold
 * @param thresholdPercent threshold, 0..100
 * @param minimumCells fewest countable nucleated cells for a decision
 * @param policy how a cell is called a lymphoblast
 * @param blastProbabilityThreshold ensemble A's probability from which a cell is a blast, 0..1
 * @param rates the classifier chain's validation rates of counting a cell as a lymphoblast, or null
 *     when none are configured: then only the raw share is reported
 * @param decideOnAdjusted with rates, decide (and flag borderline cases) on the adjusted estimate
 *     and its interval instead of the raw share
 */
public record RuleSettings(
    String name,
    Comparison comparison,
    double thresholdPercent,
    int minimumCells,
    LabelPolicy policy,
    double blastProbabilityThreshold,
    CallRates rates,
    boolean decideOnAdjusted) {

  /** A rule on the raw share of cells called blasts (no call rates). */
  public RuleSettings(
      String name,
      Comparison comparison,
      double thresholdPercent,
      int minimumCells,
      LabelPolicy policy,
      double blastProbabilityThreshold) {
    this(
        name,
        comparison,
        thresholdPercent,
        minimumCells,
        policy,
        blastProbabilityThreshold,
        null,
        false);
  }

  /** This rule with {@code rates}, deciding on the adjusted estimate when {@code decide}. */
  public RuleSettings withRates(CallRates rates, boolean decide) {
    return new RuleSettings(
        name,
        comparison,
        thresholdPercent,
        minimumCells,
        policy,
        blastProbabilityThreshold,
        rates,
        decide);
  }

  /** The rule as the diagnosis event states it. */
  public DecisionRule toEvent() {
    return new DecisionRule(name, comparison, thresholdPercent, minimumCells, policy.label());
  }
}
