package org.leukostream.models.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;

/**
 * The shipped detector on the same cells sent at two physical extents: four synthetic fields, each
 * on its own and side by side as one wide field of the same pixel size. Fitted to the input, the
 * wide field would show the detector its cells at half the size it was trained at; with the pixel
 * size given it is cut into windows at a trained scale, and must find the cells it finds in the
 * four fields.
 */
class DetectorScaleTest {
  static final String DETECTOR = "classpath:org/leukostream/models/default/detector";
  static final SmearGenerator.Options FIELD = SmearGenerator.Options.DEFAULT;

  @Test
  void aWideFieldOfKnownPixelSizeYieldsTheCellsOfItsPartsDetectedOneByOne() throws Exception {
    SmearGenerator generator = new SmearGenerator(23);
    List<SmearField> parts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      parts.add(
          generator.field(
              List.of(
                  CellType.LYMPHOCYTE,
                  CellType.NEUTROPHIL,
                  CellType.LYMPHOBLAST,
                  CellType.MONOCYTE),
              FIELD));
    }
    BufferedImage wide =
        new BufferedImage(2 * FIELD.width(), 2 * FIELD.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = wide.createGraphics();
    List<Rectangle> truth = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int dx = (i % 2) * FIELD.width();
      int dy = (i / 2) * FIELD.height();
      g.drawImage(parts.get(i).image(), dx, dy, null);
      for (SmearCell cell : parts.get(i).cells()) {
        Rectangle box = new Rectangle(cell.box());
        box.translate(dx, dy);
        truth.add(box);
      }
    }
    g.dispose();
    OptionalDouble pixel = OptionalDouble.of(FIELD.micrometresPerPixel());

    try (StoredModel model = ModelStore.load(DETECTOR, Device.cpu());
        WbcDetector detector =
            new WbcDetector(model, new DetectorSettings(0.2, 0.5, 0.7, 300, 4))) {
      List<CellDetection> oneByOne = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        WbcDetector.FieldDetections found = detector.detect(parts.get(i).image(), pixel);
        assertThat(found.windows().fitted()).isTrue();
        assertThat(found.windows().warning()).isEmpty();
        int dx = (i % 2) * FIELD.width();
        int dy = (i / 2) * FIELD.height();
        for (CellDetection c : found.cells()) {
          oneByOne.add(
              new CellDetection(
                  c.x() + dx, c.y() + dy, c.width(), c.height(), c.score(), c.label()));
        }
      }
      WbcDetector.FieldDetections whole = detector.detect(wide, pixel);
      WbcDetector.FieldDetections unscaled = detector.detect(wide, OptionalDouble.empty());

      assertThat(whole.windows().fitted()).isFalse();
      assertThat(whole.windows().origins()).hasSizeGreaterThan(1);
      assertThat(unscaled.windows().warning()).isPresent();
      double recallOneByOne = recall(oneByOne, truth);
      assertThat(recallOneByOne).as("the detector on its own fields").isGreaterThanOrEqualTo(0.8);
      assertThat(recall(whole.cells(), truth))
          .as("the wide field, windowed at the trained scale")
          .isGreaterThanOrEqualTo(recallOneByOne - 0.1);
      assertThat(matched(whole.cells(), oneByOne))
          .as("wide-field boxes that are boxes of the fields one by one")
          .isGreaterThanOrEqualTo((int) Math.ceil(0.85 * whole.cells().size()));
      assertThat(whole.cells().size()).isBetween(oneByOne.size() - 2, oneByOne.size() + 2);
      // Why it matters: fitted, the same cells are half the size the detector knows.
      assertThat(recall(unscaled.cells(), truth)).isLessThan(recall(whole.cells(), truth) - 0.3);
    }
  }

  private static double recall(List<CellDetection> found, List<Rectangle> truth) {
    int hit = 0;
    for (Rectangle t : truth) {
      CellDetection box = new CellDetection(t.x, t.y, t.width, t.height, 1, "wbc");
      if (found.stream().anyMatch(f -> f.iou(box) >= 0.5)) {
        hit++;
      }
    }
    return (double) hit / truth.size();
  }

  private static int matched(List<CellDetection> found, List<CellDetection> reference) {
    return (int)
        found.stream().filter(f -> reference.stream().anyMatch(r -> r.iou(f) >= 0.5)).count();
  }
}
