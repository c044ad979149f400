package org.leukostream.testkit.smear;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic smear fields: red cells with central pallor, platelets, and white cells of every
 * class of the default taxonomy drawn with the morphology that tells them apart (size, nucleus
 * shape and density, chromatin, nucleoli, granules, cytoplasm colour), under a per-field stain and
 * illumination. Test data and a source of classes real data lacks; it never replaces real data.
 */
public final class SmearGenerator {
  /**
   * @param width field width in pixels
   * @param height field height in pixels
   * @param redCellDiameter red-cell diameter in pixels (white-cell sizes scale with it)
   * @param redCells red cells per field
   * @param platelets platelets per field
   */
  public record Options(int width, int height, int redCellDiameter, int redCells, int platelets) {
    /** Fields like the BCCD and TXL-PBC ones. */
    public static final Options DEFAULT = new Options(640, 480, 34, 120, 14);
  }

  /** Relative frequencies of the countable non-blast classes in a case. */
  private static final CellType[] BACKGROUND = {
    CellType.NEUTROPHIL, CellType.LYMPHOCYTE, CellType.MONOCYTE,
    CellType.EOSINOPHIL, CellType.BASOPHIL, CellType.ERYTHROBLAST
  };

  private static final double[] BACKGROUND_WEIGHTS = {0.45, 0.25, 0.08, 0.05, 0.02, 0.15};
  private static final double SMUDGE_FRACTION = 0.05;

  private final Random random;

  public SmearGenerator(long seed) {
    this.random = new Random(seed);
  }

  /**
   * The white cells of a case, split into fields: about 5% smudged (uncountable) cells, and among
   * the countable ones {@code round(blastFraction x countable)} lymphoblasts, the rest drawn from
   * the usual mix of classes.
   */
  public List<List<CellType>> caseCells(int fields, int cellsPerField, double blastFraction) {
    int total = fields * cellsPerField;
    int smudges = (int) Math.round(SMUDGE_FRACTION * total);
    int countable = total - smudges;
    int blasts = (int) Math.round(blastFraction * countable);
    List<CellType> cells = new ArrayList<>(total);
    for (int i = 0; i < smudges; i++) {
      cells.add(CellType.SMUDGE);
    }
    for (int i = 0; i < blasts; i++) {
      cells.add(CellType.LYMPHOBLAST);
    }
    for (int i = 0; i < countable - blasts; i++) {
      cells.add(backgroundCell());
    }
    Collections.shuffle(cells, random);
    List<List<CellType>> perField = new ArrayList<>();
    for (int f = 0; f < fields; f++) {
      perField.add(List.copyOf(cells.subList(f * cellsPerField, (f + 1) * cellsPerField)));
    }
    return perField;
  }

  /** Draws one field holding {@code whiteCells}. */
  public SmearField field(List<CellType> whiteCells, Options options) {
    Stain stain = Stain.random(random);
    BufferedImage image =
        new BufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(stain.tint(new Color(244, 232, 234)));
    g.fillRect(0, 0, options.width(), options.height());
    for (int i = 0; i < options.redCells(); i++) {
      redCell(g, stain, random.nextInt(options.width()), random.nextInt(options.height()), options);
    }
    for (int i = 0; i < options.platelets(); i++) {
      double size = 4 + random.nextDouble() * 4;
      g.setColor(stain.tint(new Color(150, 95, 175)));
      g.fill(
          new Ellipse2D.Double(
              random.nextInt(options.width()), random.nextInt(options.height()), size, size * 0.8));
    }
    List<SmearCell> cells = new ArrayList<>();
    List<double[]> placed = new ArrayList<>();
    for (CellType type : whiteCells) {
      double diameter =
          options.redCellDiameter()
              * (type.minDiameter()
                  + random.nextDouble() * (type.maxDiameter() - type.minDiameter()));
      double[] centre = place(placed, diameter, options);
      WhiteCells.draw(g, stain, random, type, centre[0], centre[1], diameter);
      int left = (int) Math.floor(centre[0] - diameter / 2);
      int top = (int) Math.floor(centre[1] - diameter / 2);
      int side = (int) Math.ceil(diameter);
      cells.add(new SmearCell(type, new Rectangle(left, top, side, side)));
    }
    illumination(g, options);
    g.dispose();
    return new SmearField(image, List.copyOf(cells));
  }

  private CellType backgroundCell() {
    double u = random.nextDouble();
    for (int i = 0; i < BACKGROUND.length; i++) {
      u -= BACKGROUND_WEIGHTS[i];
      if (u <= 0) {
        return BACKGROUND[i];
      }
    }
    return BACKGROUND[0];
  }

  /** A centre where a cell of {@code diameter} fits inside the field without touching another. */
  private double[] place(List<double[]> placed, double diameter, Options options) {
    double margin = diameter / 2 + 2;
    for (int attempt = 0; attempt < 500; attempt++) {
      double x = margin + random.nextDouble() * (options.width() - 2 * margin);
      double y = margin + random.nextDouble() * (options.height() - 2 * margin);
      boolean free = true;
      for (double[] other : placed) {
        if (Math.hypot(x - other[0], y - other[1]) < (diameter + other[2]) / 2 + 4) {
          free = false;
          break;
        }
      }
      if (free) {
        double[] centre = {x, y, diameter};
        placed.add(centre);
        return centre;
      }
    }
    throw new IllegalArgumentException(
        "Cannot place "
            + (placed.size() + 1)
            + " white cells in a "
            + options.width()
            + "x"
            + options.height()
            + " field");
  }

  private void redCell(Graphics2D g, Stain stain, double x, double y, Options options) {
    double d = options.redCellDiameter() * (0.9 + random.nextDouble() * 0.2);
    g.setColor(stain.tint(new Color(222, 140, 150)));
    g.fill(new Ellipse2D.Double(x - d / 2, y - d / 2, d, d));
    g.setColor(stain.tint(new Color(238, 196, 198)));
    double pallor = d * 0.45;
    g.fill(new Ellipse2D.Double(x - pallor / 2, y - pallor / 2, pallor, pallor));
  }

  /** Brighter centre, darker corners, as a microscope's light falls off. */
  private static void illumination(Graphics2D g, Options options) {
    float radius = (float) Math.hypot(options.width(), options.height()) / 2;
    g.setPaint(
        new RadialGradientPaint(
            options.width() / 2f,
            options.height() / 2f,
            radius,
            new float[] {0.5f, 1f},
            new Color[] {new Color(0, 0, 0, 0), new Color(0, 0, 0, 40)}));
    g.fillRect(0, 0, options.width(), options.height());
  }
}
