package org.leukostream.testkit.smear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SmearGeneratorTest {
  static final SmearGenerator.Options OPTIONS = SmearGenerator.Options.DEFAULT;

  @Test
  void theSameSeedDrawsTheSameFieldAndAnotherSeedDoesNot() {
    List<CellType> cells = List.of(CellType.values());
    BufferedImage a = new SmearGenerator(42).field(cells, OPTIONS).image();
    BufferedImage b = new SmearGenerator(42).field(cells, OPTIONS).image();
    BufferedImage c = new SmearGenerator(43).field(cells, OPTIONS).image();

    assertThat(pixels(a)).isEqualTo(pixels(b));
    assertThat(pixels(a)).isNotEqualTo(pixels(c));
  }

  @Test
  void groundTruthBoxesLieInTheFieldAndCellsDoNotTouch() {
    SmearField field =
        new SmearGenerator(1).field(Collections.nCopies(12, CellType.MONOCYTE), OPTIONS);

    assertThat(field.cells()).hasSize(12);
    Rectangle bounds = new Rectangle(0, 0, OPTIONS.width(), OPTIONS.height());
    for (int i = 0; i < field.cells().size(); i++) {
      Rectangle box = field.cells().get(i).box();
      assertThat(bounds.contains(box)).as("%s inside the field", box).isTrue();
      for (int j = i + 1; j < field.cells().size(); j++) {
        Rectangle other = field.cells().get(j).box();
        double distance =
            Math.hypot(
                box.getCenterX() - other.getCenterX(), box.getCenterY() - other.getCenterY());
        assertThat(distance).isGreaterThanOrEqualTo((box.width + other.width) / 2.0);
      }
    }
  }

  @Test
  void aCaseHasTheChosenBlastFractionOfCountableCells() {
    List<List<CellType>> fields = new SmearGenerator(3).caseCells(5, 60, 0.3);

    List<CellType> all = fields.stream().flatMap(List::stream).toList();
    long countable = all.stream().filter(CellType::countable).count();
    long blasts = all.stream().filter(t -> t == CellType.LYMPHOBLAST).count();
    assertThat(fields).hasSize(5).allSatisfy(f -> assertThat(f).hasSize(60));
    assertThat(countable).isEqualTo(300 - 15);
    assertThat(blasts).isEqualTo(Math.round(0.3 * countable));
    assertThat(all).contains(CellType.NEUTROPHIL, CellType.LYMPHOCYTE, CellType.SMUDGE);
  }

  @Test
  void morphologyTellsTheClassesApart() {
    SmearGenerator generator = new SmearGenerator(11);
    List<Double> blastSides = new ArrayList<>();
    List<Double> lymphocyteSides = new ArrayList<>();
    double eosinophilRedness = 0;
    double basophilRedness = 0;
    for (int i = 0; i < 5; i++) {
      SmearField field =
          generator.field(
              List.of(
                  CellType.LYMPHOBLAST,
                  CellType.LYMPHOCYTE,
                  CellType.EOSINOPHIL,
                  CellType.BASOPHIL),
              OPTIONS);
      for (SmearCell cell : field.cells()) {
        double redness = meanRedMinusBlue(field.image(), cell.box());
        switch (cell.type()) {
          case LYMPHOBLAST -> blastSides.add((double) cell.box().width);
          case LYMPHOCYTE -> lymphocyteSides.add((double) cell.box().width);
          case EOSINOPHIL -> eosinophilRedness += redness;
          case BASOPHIL -> basophilRedness += redness;
          default -> {}
        }
      }
    }
    double blastMean = blastSides.stream().mapToDouble(d -> d).average().orElseThrow();
    double lymphocyteMean = lymphocyteSides.stream().mapToDouble(d -> d).average().orElseThrow();
    assertThat(blastMean).isGreaterThan(1.4 * lymphocyteMean);
    assertThat(eosinophilRedness).isGreaterThan(basophilRedness + 5 * 40);
  }

  @Test
  void fieldsEncodeAsImagesAScannerWouldSend() throws Exception {
    SmearField field = new SmearGenerator(5).field(List.of(CellType.NEUTROPHIL), OPTIONS);

    for (String format : List.of("png", "jpg")) {
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(field.encode(format)));
      assertThat(decoded.getWidth()).isEqualTo(OPTIONS.width());
      assertThat(decoded.getHeight()).isEqualTo(OPTIONS.height());
    }
  }

  @Test
  void tooManyCellsForTheFieldIsAClearError() {
    assertThatThrownBy(
            () -> new SmearGenerator(2).field(Collections.nCopies(400, CellType.MONOCYTE), OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot place");
  }

  private static int[] pixels(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  /**
   * Mean of (red - blue) over the inner half of a box: positive for orange, negative for purple.
   */
  private static double meanRedMinusBlue(BufferedImage image, Rectangle box) {
    int x0 = box.x + box.width / 4;
    int y0 = box.y + box.height / 4;
    double sum = 0;
    int n = 0;
    for (int y = y0; y < y0 + box.height / 2; y++) {
      for (int x = x0; x < x0 + box.width / 2; x++) {
        int rgb = image.getRGB(x, y);
        sum += ((rgb >> 16) & 0xFF) - (rgb & 0xFF);
        n++;
      }
    }
    return sum / n;
  }
}
