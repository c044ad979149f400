package org.leukostream.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  /** A pale background with a dark purple disc of radius 8 at (cx, cy): a cartoon of a cell. */
  private static BufferedImage cell(int side, int cx, int cy) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(235, 215, 220));
    g.fillRect(0, 0, side, side);
    g.setColor(new Color(90, 40, 130));
    g.fillOval(cx - 8, cy - 8, 16, 16);
    g.dispose();
    return image;
  }

  private static double[] darkCentroid(BufferedImage image) {
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        Color c = new Color(image.getRGB(x, y));
        if (c.getRed() + c.getGreen() + c.getBlue() < 400) {
          sx += x;
          sy += y;
          n++;
        }
      }
    }
    return new double[] {sx / n, sy / n, n};
  }

  /**
   * Draws for the n-th trial: Random's first value from small consecutive seeds is nearly the same
   * (all about 0.73 for seeds 0..19), so the seeds are spread first, as the training's own
   * per-image seeds are (each a {@code nextLong()} of one stream).
   */
  private static Random draws(int n) {
    return new Random(n * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
  }

  private static boolean samePixels(BufferedImage a, BufferedImage b) {
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void noneLeavesEveryPixelAsItWas() {
    BufferedImage image = cell(48, 24, 24);
    assertThat(samePixels(Augmentation.NONE.apply(image, new Random(1)), image)).isTrue();
    assertThat(Augmentation.NONE.isNone()).isTrue();
    assertThat(Augmentation.OTHER_LABORATORIES.isNone()).isFalse();
  }

  @Test
  void theSameDrawsGiveTheSameImageAndOtherDrawsAnother() {
    BufferedImage image = cell(48, 24, 24);
    BufferedImage a = Augmentation.OTHER_LABORATORIES.apply(image, new Random(5));
    BufferedImage b = Augmentation.OTHER_LABORATORIES.apply(image, new Random(5));
    BufferedImage c = Augmentation.OTHER_LABORATORIES.apply(image, new Random(6));
    assertThat(samePixels(a, b)).isTrue();
    assertThat(samePixels(a, c)).isFalse();
    assertThat(a.getWidth()).isEqualTo(48);
    assertThat(samePixels(cell(48, 24, 24), image)).as("the input is not changed").isTrue();
  }

  @Test
  void translationMovesTheCellAndScaleChangesItsArea() {
    BufferedImage image = cell(64, 32, 32);
    double[] before = darkCentroid(image);
    Augmentation shift = new Augmentation(0, 0.1, 0, 0, 0, 0, 0, 0);
    double maxMove = 0;
    for (int seed = 0; seed < 20; seed++) {
      double[] after = darkCentroid(shift.apply(image, draws(seed)));
      double move = Math.hypot(after[0] - before[0], after[1] - before[1]);
      assertThat(move).isLessThanOrEqualTo(0.1 * 64 * Math.sqrt(2) + 1);
      maxMove = Math.max(maxMove, move);
      assertThat(after[2])
          .isCloseTo(before[2], org.assertj.core.data.Percentage.withPercentage(15));
    }
    assertThat(maxMove).isGreaterThan(2);

    Augmentation grow = new Augmentation(0.3, 0, 0, 0, 0, 0, 0, 0);
    double smallest = Double.MAX_VALUE;
    double largest = 0;
    for (int seed = 0; seed < 20; seed++) {
      double area = darkCentroid(grow.apply(image, draws(seed)))[2];
      smallest = Math.min(smallest, area);
      largest = Math.max(largest, area);
    }
    // area goes with the square of the factor in [0.7, 1.3]: 0.49 .. 1.69 of the disc
    assertThat(smallest).isLessThan(before[2] * 0.85).isGreaterThan(before[2] * 0.4);
    assertThat(largest).isGreaterThan(before[2] * 1.15).isLessThan(before[2] * 1.8);
  }

  @Test
  void stainAndColourChangeTheColoursButKeepTheCellDarkerThanTheBackground() {
    BufferedImage image = cell(48, 24, 24);
    Augmentation colour = new Augmentation(0, 0, 0.08, 0.03, 0.25, 0.15, 0.2, 0);
    boolean changed = false;
    for (int seed = 0; seed < 10; seed++) {
      BufferedImage out = colour.apply(image, draws(seed));
      Color centre = new Color(out.getRGB(24, 24));
      Color corner = new Color(out.getRGB(2, 2));
      changed |= centre.getRGB() != image.getRGB(24, 24);
      assertThat(centre.getRed() + centre.getGreen() + centre.getBlue())
          .isLessThan(corner.getRed() + corner.getGreen() + corner.getBlue() - 200);
    }
    assertThat(changed).isTrue();
  }

  @Test
  void blurSoftensTheEdge() {
    BufferedImage image = cell(48, 24, 24);
    Augmentation blur = new Augmentation(0, 0, 0, 0, 0, 0, 0, 0.999);
    BufferedImage out = blur.apply(image, new Random(3));
    // along the row through the centre, the edge pixel pair differs less after blurring
    int edge = 24 - 8;
    int before = Math.abs(image.getRGB(edge - 1, 24) - image.getRGB(edge + 1, 24));
    Color a = new Color(out.getRGB(edge - 1, 24));
    Color b = new Color(out.getRGB(edge + 1, 24));
    Color c = new Color(image.getRGB(edge - 1, 24));
    Color d = new Color(image.getRGB(edge + 1, 24));
    assertThat(before).isNotZero();
    assertThat(Math.abs(a.getGreen() - b.getGreen()))
        .isLessThan(Math.abs(c.getGreen() - d.getGreen()));
  }

  @Test
  void amountsOutsideZeroToOneAreRefused() {
    assertThatThrownBy(() -> new Augmentation(-0.1, 0, 0, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Augmentation(0, 0, 0, 0, 0, 0, 0, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
