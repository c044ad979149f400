package org.leukostream.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.decision.CallRates;
import org.leukostream.avro.Decision;

class CohortValidationTest {
  static CohortValidation.Case c(
      double drawn, Decision expected, Decision decision, double raw, Double adj, boolean border) {
    return new CohortValidation.Case(
        "c" + drawn, drawn, (int) Math.round(drawn * 3), 300, expected, decision, raw, adj, border);
  }

  @Test
  void accuracySensitivitySpecificityAndErrors() {
    List<CohortValidation.Case> cases =
        List.of(
            c(50, Decision.ALL, Decision.ALL, 40, 48.0, false),
            c(35, Decision.ALL, Decision.NOT_ALL, 18, 30.0, false), // a miss
            c(0, Decision.NOT_ALL, Decision.ALL, 22, 2.0, false), // a false ALL
            c(5, Decision.NOT_ALL, Decision.NOT_ALL, 15, 4.0, false));
    CohortValidation.Summary s = CohortValidation.summarise(cases, 20);
    assertThat(s.right()).isEqualTo(2);
    assertThat(s.accuracy()).isEqualTo(0.5);
    assertThat(s.sensitivity()).isEqualTo(0.5);
    assertThat(s.specificity()).isEqualTo(0.5);
    assertThat(s.wrongUnflagged()).isEqualTo(2);
    assertThat(s.rawMeanAbsoluteError()).isCloseTo((10 + 17 + 22 + 10) / 4.0, within(1e-9));
    assertThat(s.adjustedMeanAbsoluteError()).isCloseTo((2 + 5 + 2 + 1) / 4.0, within(1e-9));
  }

  @Test
  void aBorderlineCaseNearTheThresholdIsRightAFarOneIsNot() {
    assertThat(c(22, Decision.ALL, Decision.NOT_ALL, 19, null, true).right(20)).isTrue();
    assertThat(c(35, Decision.ALL, Decision.NOT_ALL, 19, null, true).right(20)).isFalse();
    CohortValidation.Summary s =
        CohortValidation.summarise(
            List.of(c(5, Decision.NOT_ALL, Decision.NOT_ALL, 9, null, false)), 20);
    assertThat(s.adjustedMeanAbsoluteError()).isNull();
    // Wrong but sent to review: not right (too far from the threshold), yet not unflagged.
    CohortValidation.Summary flagged =
        CohortValidation.summarise(
            List.of(
                c(35, Decision.ALL, Decision.NOT_ALL, 19, null, true),
                c(15, Decision.NOT_ALL, Decision.ALL, 21, null, false)),
            20);
    assertThat(flagged.right()).isZero();
    assertThat(flagged.borderline()).isEqualTo(1);
    assertThat(flagged.wrongUnflagged()).isEqualTo(1);
  }

  /**
   * Cases whose raw share follows a known pipeline (tpr 0.6, fpr 0.18) with binomial noise: the
   * fitted line recovers the rates, and the rates' cell counts reflect the fit's scatter (fewer
   * than the cells drawn).
   */
  @Test
  void fittedRatesRecoverThePipelinesRates() {
    Random random = new Random(5);
    List<CohortValidation.Case> cases = new ArrayList<>();
    double[] shares = {0, 0.05, 0.1, 0.35, 0.5, 0.65};
    for (int rep = 0; rep < 4; rep++) {
      for (double share : shares) {
        int blasts = (int) Math.round(share * 280);
        int called = 0;
        for (int i = 0; i < 280; i++) {
          called += random.nextDouble() < (i < blasts ? 0.6 : 0.18) ? 1 : 0;
        }
        cases.add(
            new CohortValidation.Case(
                "c",
                100.0 * blasts / 280,
                blasts,
                280,
                Decision.ALL,
                Decision.ALL,
                100.0 * called / 280,
                null,
                false));
      }
    }
    CallRates rates = CohortValidation.fitRates(cases, "simulated");
    assertThat(rates.truePositiveRate()).isCloseTo(0.6, within(0.05));
    assertThat(rates.falsePositiveRate()).isCloseTo(0.18, within(0.03));
    int blastsDrawn = cases.stream().mapToInt(CohortValidation.Case::blastsDrawn).sum();
    assertThat(rates.blasts()).isPositive().isLessThanOrEqualTo(blastsDrawn);
    assertThat(rates.measuredOn()).isEqualTo("simulated");
  }

  @Test
  void fittingNeedsSpread() {
    List<CohortValidation.Case> same =
        List.of(
            c(10, Decision.NOT_ALL, Decision.NOT_ALL, 12, null, false),
            c(10, Decision.NOT_ALL, Decision.NOT_ALL, 14, null, false),
            c(10, Decision.NOT_ALL, Decision.NOT_ALL, 13, null, false));
    assertThatThrownBy(() -> CohortValidation.fitRates(same, "x"))
        .hasMessageContaining("different shares");
  }
}
