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
 */
public record RuleSettings(
    String name,
    Comparison comparison,
    double thresholdPercent,
    int minimumCells,
    LabelPolicy policy,
    double blastProbabilityThreshold) {

  /** The rule as the diagnosis event states it. */
  public DecisionRule toEvent() {
    return new DecisionRule(name, comparison, thresholdPercent, minimumCells, policy.label());
  }
}
