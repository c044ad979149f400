package org.leukostream.training.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG pictures of results: line and scatter charts (ROC, PR, loss per epoch, measured against true
 * percentages) drawn by JFreeChart, and the confusion matrix, a table of counts shaded by share,
 * drawn directly.
 */
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

  /**
   * The chart of {@link #lines} (JFreeChart: axes with ticks, grid and legend) on [0, square]^2, or
   * on the data's range when it is NaN. A series without a name (a threshold line) stays out of the
   * legend.
   */
  private static void chart(
      String title, String xLabel, String yLabel, List<Series> series, double square, Path file) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    for (int i = 0; i < series.size(); i++) {
      Series line = series.get(i);
      String key = line.name().isBlank() ? "#" + i : line.name();
      XYSeries points = new XYSeries(key, false, true);
      for (int j = 0; j < line.x().length; j++) {
        points.add(line.x()[j], line.y()[j]);
      }
      data.addSeries(points);
      renderer.setSeriesLinesVisible(i, !line.points());
      renderer.setSeriesShapesVisible(i, line.points());
      renderer.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
      renderer.setSeriesShapesFilled(i, false);
      renderer.setSeriesPaint(i, line.name().isBlank() ? Color.GRAY : SERIES[i % SERIES.length]);
      renderer.setSeriesStroke(i, new BasicStroke(line.name().isBlank() ? 1f : 2f));
      renderer.setSeriesVisibleInLegend(i, !line.name().isBlank());
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    if (Double.isNaN(square)) {
      x.setAutoRangeIncludesZero(false);
      y.setAutoRangeIncludesZero(true);
    } else {
      x.setRange(0, square);
      y.setRange(0, square);
    }
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      ChartUtils.saveChartAsPNG(file.toFile(), chart, 640, 480);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
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
