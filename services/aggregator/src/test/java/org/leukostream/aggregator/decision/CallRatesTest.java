package org.leukostream.aggregator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Adjusted classify-and-count: the estimate inverts the chain's rates, and its interval covers. */
class CallRatesTest {
  static final CallRates RATES = new CallRates(0.8, 0.15, 200, 600, "test");

  @Test
  void theEstimateInvertsTheRates() {
    // 300 counted, 30% called: (0.30 - 0.15) / (0.80 - 0.15) = 0.2308
    CallRates.Estimate e = RATES.adjust(90, 300);
    assertThat(e.share()).isCloseTo(0.15 / 0.65, within(1e-9));
    assertThat(e.lower()).isLessThan(e.share());
    assertThat(e.upper()).isGreaterThan(e.share());
  }

  @Test
  void aNormalMarrowCalledAtTheFalsePositiveRateIsEstimatedNearZero() {
    // 15% called blasts is what the chain calls on a marrow with no blasts at all.
    CallRates.Estimate e = RATES.adjust(45, 300);
    assertThat(e.share()).isZero();
    assertThat(e.lower()).isZero();
    assertThat(e.upper()).isLessThan(0.15);
  }

  @Test
  void estimatesAreClippedToProportions() {
    assertThat(RATES.adjust(0, 300).share()).isZero();
    assertThat(RATES.adjust(300, 300).share()).isEqualTo(1);
    assertThat(RATES.adjust(300, 300).upper()).isEqualTo(1);
  }

  @Test
  void fewerValidationCellsWidenTheInterval() {
    CallRates few = new CallRates(0.8, 0.15, 20, 60, "test");
    CallRates.Estimate wide = few.adjust(90, 300);
    CallRates.Estimate narrow = RATES.adjust(90, 300);
    assertThat(wide.upper() - wide.lower()).isGreaterThan(narrow.upper() - narrow.lower());
  }

  /**
   * Simulated cases (true blast share 0.25, 300 cells, each cell called with the true rates) and
   * rates measured on simulated validation sets: the 95% interval holds the truth in about 95% of
   * them, and the raw share would be biased towards the false-positive rate.
   */
  @Test
  void theIntervalCoversTheTruthAboutNinetyFivePercentOfTheTime() {
    Random random = new Random(3);
    double tpr = 0.8;
    double fpr = 0.15;
    double truth = 0.25;
    int covered = 0;
    int runs = 2000;
    double rawSum = 0;
    for (int run = 0; run < runs; run++) {
      int tp = binomial(random, 200, tpr);
      int fp = binomial(random, 600, fpr);
      CallRates measured = new CallRates(tp / 200.0, fp / 600.0, 200, 600, "sim");
      int blasts = binomial(random, 300, truth);
      int called = binomial(random, blasts, tpr) + binomial(random, 300 - blasts, fpr);
      rawSum += called / 300.0;
      if (measured.adjust(called, 300).contains(truth)) {
        covered++;
      }
    }
    assertThat(covered / (double) runs).isBetween(0.92, 0.99);
    assertThat(rawSum / runs).isCloseTo(fpr + truth * (tpr - fpr), within(0.01));
  }

  @Test
  void ratesThatCannotTellBlastsApartAreRefused() {
    assertThatThrownBy(() -> new CallRates(0.5, 0.45, 100, 100, "x"))
        .hasMessageContaining("must exceed the false-positive rate");
    assertThatThrownBy(() -> new CallRates(0.9, 0.1, 0, 100, "x"))
        .hasMessageContaining("numbers of cells");
  }

  private static int binomial(Random random, int n, double p) {
    int k = 0;
    for (int i = 0; i < n; i++) {
      k += random.nextDouble() < p ? 1 : 0;
    }
    return k;
  }
}
