package org.leukostream.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.leukostream.models.detect.CellDetection;

class DetectionCurveTest {
  static CellDetection box(double x, double score) {
    return new CellDetection(x, 0, 10, 10, score, "wbc");
  }

  /**
   * Three true cells, four detections (best first: hit, miss, hit, hit): the curve steps through
   * recall 1/3, 1/3, 2/3, 1 with interpolated precision 1, 0.75, 0.75, 0.75, and its area is the
   * AP.
   */
  @Test
  void theCurveIsTheInterpolatedPrecisionAtEachRecallAndItsAreaIsTheAp() {
    List<CellDetection> truth = List.of(box(0, 1), box(100, 1), box(200, 1));
    List<CellDetection> found = List.of(box(0, 0.9), box(50, 0.8), box(100, 0.7), box(200, 0.6));

    DetectionMetrics.Result r = DetectionMetrics.evaluate(List.of(found), List.of(truth), 0.5);

    assertThat(r.recallCurve()).containsExactly(1 / 3.0, 1 / 3.0, 2 / 3.0, 1.0);
    assertThat(r.precisionCurve()).containsExactly(1.0, 0.75, 0.75, 0.75);
    double area = 0;
    double previous = 0;
    for (int i = 0; i < r.recallCurve().length; i++) {
      area += (r.recallCurve()[i] - previous) * r.precisionCurve()[i];
      previous = r.recallCurve()[i];
    }
    assertThat(area).isCloseTo(r.averagePrecision(), within(1e-12));
    assertThat(r.averagePrecision()).isCloseTo(1 / 3.0 + 0.75 * 2 / 3.0, within(1e-12));
  }
}
