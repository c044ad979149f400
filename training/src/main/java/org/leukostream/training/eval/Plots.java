package org.leukostream.training.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** PNG pictures of results: a confusion matrix, and line charts (ROC, PR, loss per epoch). */
public final class Plots {
  private static final Color[] SERIES = {
    new Color(31, 119, 180),
    new Color(214, 39, 40),
    new Color(44, 160, 44),
    new Color(148, 103, 189)
  };

  private Plots() {}

  /** A named line (or, with {@code points}, a scatter of points): x and y of equal length. */
  public record Series(String name, double[] x, double[] y, boolean points) {
    public Series(String name, double[] x, double[] y) {
      this(name, x, y, false);
    }
  }

  /** The confusion matrix as a heat map with counts, rows true class, columns predicted. */
  public static void confusionMatrix(ClassificationMetrics metrics, String title, Path file) {
    int k = metrics.classes().size();
    int cell = Math.max(36, Math.min(80, 640 / Math.max(1, k)));
    int left = 170;
    int top = 60;
    int width = Math.max(560, left + k * cell + 30);
    int height = top + k * cell + 150;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    g.drawString(title, 10, 24);
    g.drawString("rows: true class, columns: predicted; shade = share of the row", 10, 44);
    long[][] m = metrics.confusion();
    for (int r = 0; r < k; r++) {
      long row = Math.max(1, metrics.support(r));
      for (int c = 0; c < k; c++) {
        double share = m[r][c] / (double) row;
        int shade = (int) Math.round(255 - 200 * share);
        g.setColor(new Color(shade, shade, 255));
        g.fillRect(left + c * cell, top + r * cell, cell, cell);
        g.setColor(share > 0.6 ? Color.WHITE : Color.BLACK);
        g.drawString(Long.toString(m[r][c]), left + c * cell + 6, top + r * cell + cell / 2 + 5);
      }
      g.setColor(Color.BLACK);
      g.drawString(shorten(metrics.classes().get(r)), 8, top + r * cell + cell / 2 + 5);
    }
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(Math.PI / 2);
    for (int c = 0; c < k; c++) {
      rotated.drawString(
          shorten(metrics.classes().get(c)), top + k * cell + 8, -(left + c * cell + cell / 2 - 5));
    }
    rotated.dispose();
    write(image, file);
  }

  /** Lines on [0, 1] x [0, 1] (ROC, PR) or free ranges (loss), with a legend. */
  public static void lines(
      String title,
      String xLabel,
      String yLabel,
      List<Series> series,
      boolean unitSquare,
      Path file) {
    chart(title, xLabel, yLabel, series, unitSquare ? 1 : Double.NaN, file);
  }

  /** Points and lines on [0, max] x [0, max] (e.g. measured against true percentages). */
  public static void square(
      String title, String xLabel, String yLabel, List<Series> series, double max, Path file) {
    chart(title, xLabel, yLabel, series, max, file);
  }

  /** The chart of {@link #lines} on [0, square]^2, or on the data's range when it is NaN. */
  private static void chart(
      String title, String xLabel, String yLabel, List<Series> series, double square, Path file) {
    boolean unitSquare = !Double.isNaN(square);
    int width = 640;
    int height = 480;
    int left = 70;
    int right = 20;
    int top = 50;
    int bottom = 60;
    double xMin = 0;
    double xMax = unitSquare ? square : 1;
    double yMin = 0;
    double yMax = unitSquare ? square : 1;
    if (!unitSquare) {
      xMin = Double.MAX_VALUE;
      xMax = -Double.MAX_VALUE;
      yMin = 0;
      yMax = -Double.MAX_VALUE;
      for (Series s : series) {
        for (int i = 0; i < s.x().length; i++) {
          xMin = Math.min(xMin, s.x()[i]);
          xMax = Math.max(xMax, s.x()[i]);
          yMax = Math.max(yMax, s.y()[i]);
        }
      }
      if (xMax <= xMin) {
        xMax = xMin + 1;
      }
      if (yMax <= yMin) {
        yMax = yMin + 1;
      }
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    g.drawString(title, 10, 24);
    int plotW = width - left - right;
    int plotH = height - top - bottom;
    g.drawRect(left, top, plotW, plotH);
    for (int t = 0; t <= 4; t++) {
      double xv = xMin + (xMax - xMin) * t / 4;
      double yv = yMin + (yMax - yMin) * t / 4;
      g.drawString(
          String.format(xMax > 10 ? "%.0f" : "%.2f", xv),
          left + plotW * t / 4 - 12,
          top + plotH + 18);
      g.drawString(
          String.format(yMax > 10 ? "%.0f" : "%.2f", yv), 10, top + plotH - plotH * t / 4 + 5);
    }
    g.drawString(xLabel, left + plotW / 2 - 30, height - 15);
    g.drawString(yLabel, 10, top - 8);
    g.setStroke(new BasicStroke(2f));
    for (int s = 0; s < series.size(); s++) {
      Series line = series.get(s);
      g.setColor(SERIES[s % SERIES.length]);
      for (int i = 0; line.points() && i < line.x().length; i++) {
        g.drawOval(
            px(line.x()[i], xMin, xMax, left, plotW) - 4,
            py(line.y()[i], yMin, yMax, top, plotH) - 4,
            8,
            8);
      }
      for (int i = 1; !line.points() && i < line.x().length; i++) {
        g.drawLine(
            px(line.x()[i - 1], xMin, xMax, left, plotW),
            py(line.y()[i - 1], yMin, yMax, top, plotH),
            px(line.x()[i], xMin, xMax, left, plotW),
            py(line.y()[i], yMin, yMax, top, plotH));
      }
      g.drawString(line.name(), left + plotW - 220, top + 20 + 18 * s);
    }
    write(image, file);
  }

  private static int px(double v, double min, double max, int left, int w) {
    return left + (int) Math.round((v - min) / (max - min) * w);
  }

  private static int py(double v, double min, double max, int top, int h) {
    return top + h - (int) Math.round((v - min) / (max - min) * h);
  }

  private static String shorten(String name) {
    return name.length() > 22 ? name.substring(0, 21) + "." : name;
  }

  private static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    return g;
  }

  private static void write(BufferedImage image, Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      ImageIO.write(image, "png", file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
