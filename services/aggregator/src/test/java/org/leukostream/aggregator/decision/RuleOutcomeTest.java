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
}
