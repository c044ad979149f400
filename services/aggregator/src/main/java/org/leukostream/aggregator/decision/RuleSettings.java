package org.leukostream.aggregator.decision;

import org.leukostream.avro.CellLabel;
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
 * @param blastProbabilityThreshold ensemble A's probability from which a cell is a blast, 0..1,
 *     where its label carries no threshold of the models' own operating point (or they are not
 *     used)
 * @param rates the classifier chain's validation rates of counting a cell as a lymphoblast, or null
 *     when none are configured: then only the raw share is reported
 * @param decideOnAdjusted with rates, decide (and flag borderline cases) on the adjusted estimate
 *     and its interval instead of the raw share
 * @param modelOperatingPoint use the blast threshold a label carries from ensemble A's operating
 *     point (recorded in its members' manifests) instead of {@code blastProbabilityThreshold}
 */
public record RuleSettings(
    String name,
    Comparison comparison,
    double thresholdPercent,
    int minimumCells,
    LabelPolicy policy,
    double blastProbabilityThreshold,
    CallRates rates,
    boolean decideOnAdjusted,
    boolean modelOperatingPoint) {

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
        false,
        true);
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
        decide,
        modelOperatingPoint);
  }

  /** This rule using, or not, the threshold of the models' operating point that labels carry. */
  public RuleSettings withModelOperatingPoint(boolean use) {
    return new RuleSettings(
        name,
        comparison,
        thresholdPercent,
        minimumCells,
        policy,
        blastProbabilityThreshold,
        rates,
        decideOnAdjusted,
        use);
  }

  /**
   * The blast probability from which {@code label}'s cell is a blast: the threshold of the models'
   * operating point that the label carries, where it carries one and they are used, else the
   * configured one.
   */
  public double blastThresholdFor(CellLabel label) {
    Double carried = label.getBlastThreshold();
    return modelOperatingPoint && carried != null ? carried : blastProbabilityThreshold;
  }

  /** The rule as the diagnosis event states it. */
  public DecisionRule toEvent() {
    return new DecisionRule(name, comparison, thresholdPercent, minimumCells, policy.label());
  }
}
