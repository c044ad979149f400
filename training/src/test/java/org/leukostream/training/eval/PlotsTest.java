package org.leukostream.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
  @TempDir Path dir;

  /** Pixels within a small distance of {@code rgb} (lines and shapes are antialiased). */
  static long pixels(BufferedImage image, int rgb) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        int d =
            Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255))
                + Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255))
                + Math.abs((p & 255) - (rgb & 255));
        n += d < 30 ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void linesAndPointsAreDrawnInTheirSeriesColoursOnAWhiteChart() throws Exception {
    Path file = Path.of("target/plots-test/roc.png");
    Plots.lines(
        "ROC",
        "false-positive rate",
        "true-positive rate",
        List.of(
            new Plots.Series(
                "blast (AUC 0.91)", new double[] {0, 0.1, 1}, new double[] {0, 0.8, 1}),
            new Plots.Series("", new double[] {0, 1}, new double[] {0, 1})),
        true,
        file);
    BufferedImage roc = ImageIO.read(file.toFile());
    assertThat(roc.getWidth()).isEqualTo(640);
    assertThat(roc.getHeight()).isEqualTo(480);
    assertThat(pixels(roc, 0xFFFFFF)).isGreaterThan(640L * 480 / 2);
    assertThat(pixels(roc, (31 << 16) | (119 << 8) | 180))
        .as("the first series' blue")
        .isPositive();

    Path scatter = Path.of("target/plots-test-measured.png");
    Plots.square(
        "measured vs drawn",
        "drawn %",
        "measured %",
        List.of(new Plots.Series("cases", new double[] {5, 40}, new double[] {8, 36}, true)),
        100,
        scatter);
    assertThat(pixels(ImageIO.read(scatter.toFile()), (31 << 16) | (119 << 8) | 180)).isPositive();
  }
}
