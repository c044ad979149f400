package org.leukostream.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Known confusion matrices and score lists, their metrics worked out by hand. */
class MetricsTest {

  @Test
  void binaryConfusionMatrix() {
    var m = new ClassificationMetrics(List.of("blast", "normal"), new long[][] {{50, 10}, {5, 35}});
    assertThat(m.accuracy()).isCloseTo(0.85, within(1e-12));
    assertThat(m.precision(0)).isCloseTo(50.0 / 55, within(1e-12));
    assertThat(m.recall(0)).isCloseTo(50.0 / 60, within(1e-12));
    assertThat(m.f1(0)).isCloseTo(0.869565, within(1e-6));
    assertThat(m.precision(1)).isCloseTo(35.0 / 45, within(1e-12));
    assertThat(m.recall(1)).isCloseTo(0.875, within(1e-12));
    assertThat(m.f1(1)).isCloseTo(0.823529, within(1e-6));
    assertThat(m.macroF1()).isCloseTo(0.846547, within(1e-6));
    assertThat(m.weightedF1()).isCloseTo(0.851151, within(1e-6));
  }

  @Test
  void threeClassesFromPredictions() {
    // truth / predicted pairs giving [[5,1,0],[2,3,1],[0,0,4]]
    int[] truth = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2};
    int[] predicted = {0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2};
    var m = ClassificationMetrics.of(List.of("a", "b", "c"), truth, predicted);
    assertThat(m.confusion()).isEqualTo(new long[][] {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}});
    assertThat(m.accuracy()).isCloseTo(0.75, within(1e-12));
    assertThat(m.f1(0)).isCloseTo(0.769231, within(1e-6));
    assertThat(m.f1(1)).isCloseTo(0.6, within(1e-12));
    assertThat(m.f1(2)).isCloseTo(0.888889, within(1e-6));
    assertThat(m.macroF1()).isCloseTo(0.752707, within(1e-6));
    assertThat(m.weightedF1()).isCloseTo(0.735684, within(1e-6));
    assertThat(m.perClass())
        .extracting(ClassificationMetrics.PerClass::support)
        .containsExactly(6L, 6L, 4L);
  }

  @Test
  void macroF1LeavesOutAClassNeitherTrueNorPredictedButNotOneOnlyPredicted() {
    // The three classes above plus d, absent from this data set: the macro mean is the same.
    var absent =
        new ClassificationMetrics(
            List.of("a", "b", "c", "d"),
            new long[][] {{5, 1, 0, 0}, {2, 3, 1, 0}, {0, 0, 4, 0}, {0, 0, 0, 0}});
    assertThat(absent.macroF1()).isCloseTo(0.752707, within(1e-6));
    // d predicted once (for an a) but never true: it counts, with F1 0.
    var predicted =
        new ClassificationMetrics(
            List.of("a", "b", "c", "d"),
            new long[][] {{4, 1, 0, 1}, {2, 3, 1, 0}, {0, 0, 4, 0}, {0, 0, 0, 0}});
    double f1a = 2 * (4.0 / 6) * (4.0 / 6) / (4.0 / 6 + 4.0 / 6);
    double f1b = 2 * (3.0 / 4) * (3.0 / 6) / (3.0 / 4 + 3.0 / 6);
    double f1c = 2 * (4.0 / 5) * 1.0 / (4.0 / 5 + 1.0);
    assertThat(predicted.macroF1()).isCloseTo((f1a + f1b + f1c + 0) / 4, within(1e-12));
  }

  @Test
  void rocAucAndAveragePrecision() {
    double[] scores = {0.1, 0.4, 0.35, 0.8};
    boolean[] positive = {false, false, true, true};
    // Pairs (pos, neg): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4: 3 of 4.
    assertThat(RankingMetrics.rocAuc(scores, positive)).isCloseTo(0.75, within(1e-12));
    // Ranked: 0.8 (P, prec 1, rec .5), 0.4 (N), 0.35 (P, prec 2/3, rec 1): .5 x 1 + .5 x 2/3.
    assertThat(RankingMetrics.averagePrecision(scores, positive)).isCloseTo(5.0 / 6, within(1e-12));
    // A tie between a positive and a negative counts half.
    assertThat(RankingMetrics.rocAuc(new double[] {0.5, 0.5}, new boolean[] {true, false}))
        .isCloseTo(0.5, within(1e-12));
    assertThat(RankingMetrics.rocAuc(new double[] {0.2, 0.9}, new boolean[] {true, true})).isNaN();
  }

  @Test
  void detectionAveragePrecisionAllPoint() {
    var truth =
        List.of(
            new org.leukostream.models.detect.CellDetection(0, 0, 10, 10, 1, "wbc"),
            new org.leukostream.models.detect.CellDetection(50, 50, 10, 10, 1, "wbc"));
    var found =
        List.of(
            new org.leukostream.models.detect.CellDetection(0, 0, 10, 10, 0.9, "wbc"), // TP
            new org.leukostream.models.detect.CellDetection(100, 100, 10, 10, 0.8, "wbc"), // FP
            new org.leukostream.models.detect.CellDetection(
                51, 51, 10, 10, 0.7, "wbc"), // TP (IoU 0.68)
            new org.leukostream.models.detect.CellDetection(
                1, 1, 10, 10, 0.4, "wbc")); // FP (matched), below the operating threshold
    // Ranked: TP (P 1, R .5), FP (.5, .5), TP (2/3, 1), FP (.5, 1): AP = .5 x 1 + .5 x 2/3.
    DetectionMetrics.Result r = DetectionMetrics.evaluate(List.of(found), List.of(truth), 0.5);
    assertThat(r.averagePrecision()).isCloseTo(5.0 / 6, within(1e-12));
    assertThat(r.recall()).isEqualTo(1.0);
    assertThat(r.truths()).isEqualTo(2);
    // At the 0.5 operating threshold the first three are kept: 2 of 3 true, both cells found.
    assertThat(r.recallAtThreshold()).isEqualTo(1.0);
    assertThat(r.precisionAtThreshold()).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void theOperatingPointBoundsTheFalsePositiveRateWorkedByHand() {
    // Negatives 0.1 .. 1.0 (ten), positives 0.55, 0.75, 0.95, 0.99.
    double[] scores = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.55, 0.75, 0.95, 0.99};
    boolean[] positive = new boolean[scores.length];
    for (int i = 10; i < scores.length; i++) {
      positive[i] = true;
    }
    // At most 20%: two negatives (1.0, 0.9) may pass; the threshold sits just above 0.8.
    RankingMetrics.OperatingPoint p = RankingMetrics.operatingPoint(scores, positive, 0.2);
    assertThat(p.threshold()).isGreaterThan(0.8).isLessThan(0.8 + 1e-12);
    assertThat(p.falsePositiveRate()).isEqualTo(0.2);
    assertThat(p.truePositiveRate()).isEqualTo(0.5); // 0.95 and 0.99
    assertThat(p.negatives()).isEqualTo(10);
    // None allowed: the threshold goes above the highest negative (1.0), so nothing passes.
    RankingMetrics.OperatingPoint strict = RankingMetrics.operatingPoint(scores, positive, 0.05);
    assertThat(strict.falsePositiveRate()).isZero();
    assertThat(strict.truePositiveRate()).isZero();
    // Everything allowed: the lowest score, every positive found.
    RankingMetrics.OperatingPoint all = RankingMetrics.operatingPoint(scores, positive, 1.0);
    assertThat(all.threshold()).isEqualTo(0.1);
    assertThat(all.truePositiveRate()).isEqualTo(1.0);
    // Tied negatives at the boundary: the bound holds, the rate comes out lower.
    double[] tied = {0.9, 0.9, 0.9, 0.2, 0.95};
    boolean[] tiedPositive = {false, false, false, false, true};
    RankingMetrics.OperatingPoint t = RankingMetrics.operatingPoint(tied, tiedPositive, 0.5);
    assertThat(t.falsePositiveRate()).isLessThanOrEqualTo(0.5).isZero();
    assertThat(t.truePositiveRate()).isEqualTo(1.0);
  }
}
