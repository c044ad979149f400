package org.leukostream.synthetic.smear;

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

    /** A red cell's diameter, in micrometres, that sets the fields' pixel size. */
    public static final double RED_CELL_MICROMETRES = 7.5;

    /** The fields' pixel size in micrometres, as a scanner would state it. */
    public double micrometresPerPixel() {
      return RED_CELL_MICROMETRES / redCellDiameter;
    }

    /**
     * The same area of smear imaged {@code m} times finer: {@code m} times the width, height and
     * red-cell diameter in pixels, as many red cells and platelets.
     */
    public Options magnified(double m) {
      if (!(m > 0) || !Double.isFinite(m)) {
        throw new IllegalArgumentException("A magnification is a positive number, not " + m);
      }
      return new Options(
          (int) Math.round(width * m),
          (int) Math.round(height * m),
          (int) Math.round(redCellDiameter * m),
          redCells,
          platelets);
    }
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
        background(stain, stain.tint(new Color(244, 232, 234)), RED_CELLS, options);
    Graphics2D g = graphics(image);
    List<SmearCell> cells = new ArrayList<>();
    List<double[]> placed = new ArrayList<>();
    for (CellType type : whiteCells) {
      double diameter =
          options.redCellDiameter()
              * (type.minDiameter()
                  + random.nextDouble() * (type.maxDiameter() - type.minDiameter()));
      double[] centre = place(placed, diameter, options);
      WhiteCells.draw(g, stain, random, type, centre[0], centre[1], diameter);
      cells.add(new SmearCell(type, box(centre[0], centre[1], diameter)));
    }
    illumination(g, options);
    g.dispose();
    return new SmearField(image, List.copyOf(cells));
  }

  /**
   * Draws one field whose white cells are real single-cell images: red cells and platelets on
   * plasma of the crops' own background colour (the median of their borders), each crop scaled by
   * {@code scale}, turned by a random quarter turn and mirror (a crop may serve several virtual
   * cells), and faded into the field just beyond its cell.
   *
   * @param scale field pixels per crop pixel: the field's red-cell diameter over the crops'
   */
  public SmearField field(List<CellImage> whiteCells, double scale, Options options) {
    Stain stain = Stain.random(random);
    Color plasma = plasma(whiteCells);
    BufferedImage image = background(stain, plasma, redCellsOn(plasma), options);
    List<SmearCell> cells = new ArrayList<>();
    List<double[]> placed = new ArrayList<>();
    for (CellImage cell : whiteCells) {
      BufferedImage crop = turned(cell.image(), scale);
      double shown = Math.min(1, cell.cellFraction() + SHOWN_MARGIN);
      double[] centre = place(placed, shown * crop.getWidth(), options);
      paste(image, crop, centre[0], centre[1], cell.cellFraction());
      cells.add(
          new SmearCell(
              cell.type(), box(centre[0], centre[1], cell.cellFraction() * crop.getWidth())));
    }
    Graphics2D g = graphics(image);
    illumination(g, options);
    g.dispose();
    return new SmearField(image, List.copyOf(cells));
  }

  /** How far beyond its cell (in crop widths) a crop is shown before it has faded out. */
  private static final double SHOWN_MARGIN = 0.25;

  /** The synthetic smear's red cells: body, then central pallor. */
  private static final Color[] RED_CELLS = {new Color(222, 140, 150), new Color(238, 196, 198)};

  /**
   * Red cells seen on {@code plasma}: a little darker and redder than it, paler in the middle (as
   * Matek's grey-pink red cells on its bluish-grey plasma).
   */
  static Color[] redCellsOn(Color plasma) {
    return new Color[] {
      scaled(plasma, 0.93, 0.78, 0.83), scaled(plasma, 0.98, 0.90, 0.93),
    };
  }

  private static Color scaled(Color c, double r, double g, double b) {
    return new Color(
        (int) Math.round(c.getRed() * r),
        (int) Math.round(c.getGreen() * g),
        (int) Math.round(c.getBlue() * b));
  }

  /** Plasma, red cells and platelets: a field with no white cell yet. */
  private BufferedImage background(Stain stain, Color plasma, Color[] redCells, Options options) {
    BufferedImage image =
        new BufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(image);
    g.setColor(plasma);
    g.fillRect(0, 0, options.width(), options.height());
    for (int i = 0; i < options.redCells(); i++) {
      redCell(
          g,
          stain,
          redCells,
          random.nextInt(options.width()),
          random.nextInt(options.height()),
          options);
    }
    for (int i = 0; i < options.platelets(); i++) {
      double size = 4 + random.nextDouble() * 4;
      g.setColor(stain.tint(new Color(150, 95, 175)));
      g.fill(
          new Ellipse2D.Double(
              random.nextInt(options.width()), random.nextInt(options.height()), size, size * 0.8));
    }
    g.dispose();
    return image;
  }

  private static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    return g;
  }

  private static Rectangle box(double x, double y, double diameter) {
    int left = (int) Math.floor(x - diameter / 2);
    int top = (int) Math.floor(y - diameter / 2);
    return new Rectangle(left, top, (int) Math.ceil(diameter), (int) Math.ceil(diameter));
  }

  /**
   * The plasma the crops were imaged on: the median colour of the brightest third of their border
   * pixels (crops are tight, so their borders also cut through neighbouring cells).
   */
  static Color plasma(List<CellImage> cells) {
    List<int[]> border = new ArrayList<>();
    for (CellImage cell : cells) {
      BufferedImage im = cell.image();
      int w = im.getWidth();
      int h = im.getHeight();
      for (int x = 0; x < w; x += 4) {
        border.add(rgb(im.getRGB(x, 0)));
        border.add(rgb(im.getRGB(x, h - 1)));
      }
      for (int y = 0; y < h; y += 4) {
        border.add(rgb(im.getRGB(0, y)));
        border.add(rgb(im.getRGB(w - 1, y)));
      }
    }
    if (border.isEmpty()) {
      return new Color(244, 232, 234);
    }
    border.sort(java.util.Comparator.comparingInt(p -> -(p[0] + p[1] + p[2])));
    List<int[]> bright = border.subList(0, Math.max(1, border.size() / 3));
    int[] median = new int[3];
    for (int c = 0; c < 3; c++) {
      int channel = c;
      median[c] = bright.stream().mapToInt(p -> p[channel]).sorted().toArray()[bright.size() / 2];
    }
    return new Color(median[0], median[1], median[2]);
  }

  private static int[] rgb(int argb) {
    return new int[] {(argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff};
  }

  /** {@code image} scaled, turned by a random quarter turn and mirrored half of the time. */
  private BufferedImage turned(BufferedImage image, double scale) {
    int quarter = random.nextInt(4);
    boolean mirror = random.nextBoolean();
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    int side = Math.max(w, h);
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.translate(side / 2.0, side / 2.0);
    g.rotate(quarter * Math.PI / 2);
    if (mirror) {
      g.scale(-1, 1);
    }
    g.drawImage(image, -w / 2, -h / 2, w, h, null);
    g.dispose();
    return out;
  }

  /**
   * Blends {@code crop} into {@code field} around ({@code x}, {@code y}): fully over the cell and a
   * little beyond, fading to nothing {@link #SHOWN_MARGIN} crop widths further out.
   */
  private static void paste(
      BufferedImage field, BufferedImage crop, double x, double y, double cellFraction) {
    int side = crop.getWidth();
    double half = side / 2.0;
    double solid = cellFraction + 0.05;
    double gone = cellFraction + 2 * SHOWN_MARGIN;
    int left = (int) Math.round(x - half);
    int top = (int) Math.round(y - half);
    for (int cy = 0; cy < side; cy++) {
      for (int cx = 0; cx < side; cx++) {
        int fx = left + cx;
        int fy = top + cy;
        if (fx < 0 || fy < 0 || fx >= field.getWidth() || fy >= field.getHeight()) {
          continue;
        }
        int src = crop.getRGB(cx, cy);
        double coverage = ((src >>> 24) & 0xff) / 255.0;
        double r = Math.hypot(cx + 0.5 - half, cy + 0.5 - half) / half;
        double a = coverage * Math.max(0, Math.min(1, (gone - r) / (gone - solid)));
        if (a <= 0) {
          continue;
        }
        int dst = field.getRGB(fx, fy);
        field.setRGB(fx, fy, blend(src, dst, a));
      }
    }
  }

  private static int blend(int src, int dst, double a) {
    int out = 0xff000000;
    for (int shift = 16; shift >= 0; shift -= 8) {
      double s = (src >> shift) & 0xff;
      double d = (dst >> shift) & 0xff;
      out |= ((int) Math.round(a * s + (1 - a) * d)) << shift;
    }
    return out;
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

  private void redCell(
      Graphics2D g, Stain stain, Color[] colours, double x, double y, Options options) {
    double d = options.redCellDiameter() * (0.9 + random.nextDouble() * 0.2);
    g.setColor(stain.tint(colours[0]));
    g.fill(new Ellipse2D.Double(x - d / 2, y - d / 2, d, d));
    g.setColor(stain.tint(colours[1]));
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
