package org.leukostream.synthetic.smear;

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

  /**
   * A 100 px crop like Matek's: pale blue plasma, a dark purple cell of 60 px in the middle, and a
   * green neighbour in each corner that must not reach the field.
   */
  static BufferedImage crop() {
    BufferedImage crop = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = crop.createGraphics();
    g.setColor(new java.awt.Color(200, 205, 230));
    g.fillRect(0, 0, 100, 100);
    g.setColor(new java.awt.Color(0, 255, 0));
    for (int[] corner : new int[][] {{0, 0}, {88, 0}, {0, 88}, {88, 88}}) {
      g.fillRect(corner[0], corner[1], 12, 12);
    }
    g.setColor(new java.awt.Color(90, 40, 140));
    g.fillOval(20, 20, 60, 60);
    g.dispose();
    return crop;
  }

  @Test
  void realCellsArePastedWhereTheGroundTruthSaysOnTheirOwnPlasma() {
    List<CellImage> cells = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      cells.add(new CellImage(crop(), i < 2 ? CellType.LYMPHOBLAST : CellType.LYMPHOCYTE, 0.6));
    }
    SmearField field = new SmearGenerator(5).field(cells, 0.5, OPTIONS);
    BufferedImage again = new SmearGenerator(5).field(cells, 0.5, OPTIONS).image();

    assertThat(pixels(field.image())).isEqualTo(pixels(again));
    assertThat(field.cells())
        .extracting(SmearCell::type)
        .containsExactly(
            CellType.LYMPHOBLAST,
            CellType.LYMPHOBLAST,
            CellType.LYMPHOCYTE,
            CellType.LYMPHOCYTE,
            CellType.LYMPHOCYTE,
            CellType.LYMPHOCYTE);
    Rectangle bounds = new Rectangle(0, 0, OPTIONS.width(), OPTIONS.height());
    for (SmearCell cell : field.cells()) {
      Rectangle box = cell.box();
      // 60 px of cell at half scale.
      assertThat(box.width).isBetween(30, 31);
      assertThat(bounds.contains(box)).isTrue();
      int centre = field.image().getRGB((int) box.getCenterX(), (int) box.getCenterY());
      assertThat(SmearGenerator.plasma(List.of()).getRGB()).isNotEqualTo(centre);
      // The cell's purple, darkened at most by the illumination fall-off.
      assertThat((centre >> 8) & 0xff).as("green of the cell").isLessThan(60);
      assertThat(centre & 0xff).as("blue of the cell").isGreaterThan(100);
    }
    // The crops' neighbours in the corners are faded out; the plasma is the crops' own.
    for (int p : pixels(field.image())) {
      int r = (p >> 16) & 0xff;
      int g = (p >> 8) & 0xff;
      assertThat(g - Math.max(r, p & 0xff)).as("no green neighbour shows").isLessThan(40);
    }
    assertThat(SmearGenerator.plasma(cells)).isEqualTo(new java.awt.Color(200, 205, 230));
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
