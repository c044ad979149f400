package org.leukostream.models.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.leukostream.models.store.ScaleRange;

class FieldWindowsTest {
  /** The shipped detector's range; the synthetic fields' pixel size (red cell 34 px of 7.5 um). */
  static final Optional<ScaleRange> TRAINED = Optional.of(new ScaleRange(0.137, 0.552, "test"));

  static final double SYNTHETIC_UM = 7.5 / 34;

  @Test
  void aFieldWithoutAPixelSizeIsFittedToTheInputAndSaysSo() {
    FieldWindows plan = FieldWindows.plan(640, 480, 256, OptionalDouble.empty(), TRAINED);

    assertThat(plan.fitted()).isTrue();
    assertThat(plan.origins()).hasSize(1);
    assertThat(plan.inputScale()).isEqualTo(0.4);
    assertThat(plan.warning()).get().asString().contains("no micrometresPerPixel");
  }

  @Test
  void aFieldAtATrainedScaleIsFittedWithoutAWarning() {
    FieldWindows plan = FieldWindows.plan(640, 480, 256, OptionalDouble.of(SYNTHETIC_UM), TRAINED);

    assertThat(plan.fitted()).isTrue();
    assertThat(plan.warning()).isEmpty();
  }

  @Test
  void aPixelSizeThatIsNoSizeOrAModelWithoutARangeFallBackToFittingWithAWarning() {
    assertThat(FieldWindows.plan(640, 480, 256, OptionalDouble.of(0), TRAINED).warning())
        .get()
        .asString()
        .contains("not a pixel size");
    assertThat(FieldWindows.plan(640, 480, 256, OptionalDouble.of(Double.NaN), TRAINED).warning())
        .isPresent();
    FieldWindows noRange =
        FieldWindows.plan(640, 480, 256, OptionalDouble.of(SYNTHETIC_UM), Optional.empty());
    assertThat(noRange.fitted()).isTrue();
    assertThat(noRange.warning()).get().asString().contains("records no trained scale");
  }

  @Test
  void aWideFieldIsCutIntoOverlappingWindowsAtTheCoarsestTrainedScale() {
    // Four synthetic fields side by side: fitted, its cells would be half their trained size.
    FieldWindows plan = FieldWindows.plan(1280, 960, 256, OptionalDouble.of(SYNTHETIC_UM), TRAINED);

    assertThat(plan.fitted()).isFalse();
    assertThat(SYNTHETIC_UM / plan.inputScale()).isCloseTo(0.552, within(1e-9));
    int side = plan.windowSide();
    assertThat(side).isEqualTo((int) Math.ceil(256 / plan.inputScale()));
    List<Integer> xs = plan.origins().stream().map(o -> o[0]).distinct().sorted().toList();
    List<Integer> ys = plan.origins().stream().map(o -> o[1]).distinct().sorted().toList();
    assertThat(plan.origins()).hasSize(xs.size() * ys.size());
    assertThat(xs).hasSizeGreaterThan(1).startsWith(0).endsWith(1280 - side);
    assertThat(ys).hasSizeGreaterThan(1).startsWith(0).endsWith(960 - side);
    for (List<Integer> starts : List.of(xs, ys)) {
      for (int i = 1; i < starts.size(); i++) {
        int shared = starts.get(i - 1) + side - starts.get(i);
        assertThat(shared).isGreaterThanOrEqualTo((int) (FieldWindows.OVERLAP * side));
      }
    }
  }

  @Test
  void aSmallCutOutIsShrunkToTheFinestTrainedScaleInOnePaddedWindow() {
    FieldWindows plan = FieldWindows.plan(128, 128, 256, OptionalDouble.of(SYNTHETIC_UM), TRAINED);

    assertThat(plan.fitted()).isFalse();
    assertThat(plan.origins()).hasSize(1);
    assertThat(SYNTHETIC_UM / plan.inputScale()).isCloseTo(0.137, within(1e-9));
    assertThat(plan.windowSide()).isGreaterThan(128);
    assertThat(plan.warning()).isEmpty();
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
