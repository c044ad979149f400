package org.leukostream.training.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.awt.Rectangle;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;

/**
 * The shipped detector frames a cell of a synthetic field as the service would cut it; a place
 * where it finds nothing is cut as given and said to be.
 */
class CellFramingTest {
  static final SmearGenerator.Options FIELD = SmearGenerator.Options.DEFAULT;

  @Test
  void aDetectedCellIsCutAroundTheDetectorsBoxAndAMissIsCutAroundTheKnownOne() throws Exception {
    SmearField field =
        new SmearGenerator(5).field(List.of(CellType.LYMPHOCYTE, CellType.NEUTROPHIL), FIELD);
    Rectangle cell = field.cells().get(0).box();
    CellDetection known = new CellDetection(cell.x, cell.y, cell.width, cell.height, 1, "placed");
    OptionalDouble pixel = OptionalDouble.of(FIELD.micrometresPerPixel());
    try (StoredModel model =
            ModelStore.load("classpath:org/leukostream/models/default/detector", Device.cpu());
        WbcDetector detector =
            new WbcDetector(model, new DetectorSettings(0.2, 0.5, 0.7, 300, 4))) {
      CellFraming framing = new CellFraming(detector, new CropExtractor(0.15, 96));

      CellFraming.Framed found = framing.frame(field.image(), known, pixel);
      assertThat(found.detected()).isTrue();
      assertThat(found.overlap()).isGreaterThanOrEqualTo(CellFraming.MIN_IOU);
      assertThat(found.box()).isSameAs(found.nearest()).isNotSameAs(known);
      assertThat(found.box().iou(known)).isEqualTo(found.overlap());
      assertThat(found.detections()).isGreaterThanOrEqualTo(2);
      assertThat(found.crop().getWidth()).isEqualTo(96);
      assertThat(found.crop().getHeight()).isEqualTo(96);

      // A corner square away from every white cell: nothing there overlaps it.
      CellDetection empty = new CellDetection(0, 0, 20, 20, 1, "placed");
      assertThat(field.cells())
          .allSatisfy(c -> assertThat(c.box().intersects(new Rectangle(0, 0, 20, 20))).isFalse());
      CellFraming.Framed missed = framing.frame(field.image(), empty, pixel);
      assertThat(missed.detected()).isFalse();
      assertThat(missed.box()).isSameAs(empty);
      assertThat(missed.overlap()).isLessThan(CellFraming.MIN_IOU);
      assertThat(missed.crop().getWidth()).isEqualTo(96);
    }
  }

  @Test
  void theCentredSquareSpansTheCellFractionOfTheShorterSide() {
    CellDetection square = CellFraming.centred(400, 300, 0.5);
    assertThat(square.width()).isEqualTo(150);
    assertThat(square.height()).isEqualTo(150);
    assertThat(square.x() + square.width() / 2).isEqualTo(200);
    assertThat(square.y() + square.height() / 2).isEqualTo(150);
    assertThatThrownBy(() -> CellFraming.centred(400, 300, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
