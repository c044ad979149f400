package org.leukostream.training.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.leukostream.models.store.ScaleRange;
import org.leukostream.training.data.DetectionData;

class RedCellScaleTest {
  static DetectionData.Box box(double x, double y, double w, double h) {
    return new DetectionData.Box(x, y, w, h);
  }

  @Test
  void theMedianCountsWholeRoundRedCellsAtTheInputScale() {
    // A 640 x 480 field at a 256 px input: 0.4 input px per field px.
    DetectionData.Field field =
        new DetectionData.Field(
            Path.of("f.jpg"),
            640,
            480,
            List.of(
                box(100, 100, 100, 100), // 40 input px
                box(300, 100, 110, 110), // 44
                box(100, 300, 90, 90), // 36
                box(0, 200, 60, 100), // cut by the edge: left out
                box(400, 300, 100, 40))); // not round (two cells, or one cut): left out

    assertThat(RedCellScale.medianInputDiameter(List.of(field), 256).getAsDouble())
        .isCloseTo(40, within(1e-9));
    assertThat(
            RedCellScale.medianInputDiameter(
                List.of(new DetectionData.Field(Path.of("g.jpg"), 640, 480, List.of())), 256))
        .isEmpty();
  }

  @Test
  void theRangeSpansTheSetsScalesRoundedOutwards() {
    Map<String, Double> medians = new LinkedHashMap<>();
    medians.put("bccd", 41.6);
    medians.put("synthetic", 13.6);

    ScaleRange range = RedCellScale.range(medians);

    assertThat(range.min()).isEqualTo(0.180); // 7.5 / 41.6 = 0.1803, rounded down
    assertThat(range.max()).isEqualTo(0.552); // 7.5 / 13.6 = 0.5515, rounded up
    assertThat(range.contains(7.5 / 41.6)).isTrue();
    assertThat(range.contains(7.5 / 13.6)).isTrue();
    assertThat(range.source()).contains("bccd 41.6 px").contains("synthetic 13.6 px");
    assertThat(RedCellScale.range(Map.of())).isNull();
  }
}
