package org.leukostream.aggregator.decision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.Decision;

class RuleOutcomeTest {
  static RuleSettings rule(Comparison comparison, double threshold) {
    return new RuleSettings("t", comparison, threshold, 200, LabelPolicy.B_CLASS_A_BLAST, 0.5);
  }

  @Test
  void exactlyTwentyPercentFollowsTheComparison() {
    assertThat(RuleOutcome.apply(rule(Comparison.GREATER_THAN, 20), 60, 300).decision())
        .isEqualTo(Decision.NOT_ALL);
    assertThat(RuleOutcome.apply(rule(Comparison.GREATER_OR_EQUAL, 20), 60, 300).decision())
        .isEqualTo(Decision.ALL);
    assertThat(RuleOutcome.apply(rule(Comparison.GREATER_THAN, 20), 61, 300).decision())
        .isEqualTo(Decision.ALL);
  }

  @Test
  void fabThresholdIsConfigurationNotCode() {
    assertThat(RuleOutcome.apply(rule(Comparison.GREATER_OR_EQUAL, 30), 75, 300).decision())
        .isEqualTo(Decision.NOT_ALL);
    assertThat(RuleOutcome.apply(rule(Comparison.GREATER_OR_EQUAL, 30), 90, 300).decision())
        .isEqualTo(Decision.ALL);
  }

  @Test
  void belowTheMinimumCountIsInsufficientWhateverTheFraction() {
    RuleOutcome outcome = RuleOutcome.apply(rule(Comparison.GREATER_THAN, 20), 150, 199);

    assertThat(outcome.decision()).isEqualTo(Decision.INSUFFICIENT_CELLS);
    assertThat(outcome.blastPercent())
        .isCloseTo(75.38, org.assertj.core.api.Assertions.within(0.01));
  }

  @Test
  void borderlineWhenTheIntervalContainsTheThreshold() {
    assertThat(RuleOutcome.apply(rule(Comparison.GREATER_THAN, 20), 66, 300).borderline()).isTrue();
    assertThat(RuleOutcome.apply(rule(Comparison.GREATER_THAN, 20), 90, 300).borderline())
        .isFalse();
  }

  @Test
  void withRatesANormalMarrowOverCalledByTheChainIsNotAll() {
    // 22% called blasts: ALL on the raw share, but the chain calls 15% of normal cells blasts.
    RuleSettings rule = rule(Comparison.GREATER_THAN, 20).withRates(CallRatesTest.RATES, true);
    RuleOutcome raw = RuleOutcome.apply(rule(Comparison.GREATER_THAN, 20), 66, 300);
    RuleOutcome adjusted = RuleOutcome.apply(rule, 66, 300);
    assertThat(raw.decision()).isEqualTo(Decision.ALL);
    assertThat(raw.adjusted()).isNull();
    assertThat(adjusted.decision()).isEqualTo(Decision.NOT_ALL);
    assertThat(adjusted.decidedOnAdjusted()).isTrue();
    assertThat(adjusted.blastPercent()).isEqualTo(raw.blastPercent());
    assertThat(adjusted.adjusted().share())
        .isCloseTo(100 * (0.22 - 0.15) / 0.65, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void withRatesBorderlineComesFromTheAdjustedInterval() {
    RuleSettings rule = rule(Comparison.GREATER_THAN, 20).withRates(CallRatesTest.RATES, true);
    // 30% called -> 23.1% adjusted, interval about 15-31%: holds 20.
    RuleOutcome near = RuleOutcome.apply(rule, 90, 300);
    assertThat(near.decision()).isEqualTo(Decision.ALL);
    assertThat(near.borderline()).isTrue();
    // 60% called -> 69% adjusted: far from 20.
    assertThat(RuleOutcome.apply(rule, 180, 300).borderline()).isFalse();
  }

  @Test
  void ratesCanBeReportedWithoutDecidingOnThem() {
    RuleSettings rule = rule(Comparison.GREATER_THAN, 20).withRates(CallRatesTest.RATES, false);
    RuleOutcome outcome = RuleOutcome.apply(rule, 66, 300);
    assertThat(outcome.decision()).isEqualTo(Decision.ALL);
    assertThat(outcome.decidedOnAdjusted()).isFalse();
    assertThat(outcome.adjusted()).isNotNull();
  }
}
