package org.leukostream.synthetic.smear;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.util.Random;

/**
 * Draws one white cell of each type, centred at (x, y) with diameter d, in May-Grunwald-Giemsa
 * colours.
 */
final class WhiteCells {
  private WhiteCells() {}

  static void draw(Graphics2D g, Stain s, Random r, CellType type, double x, double y, double d) {
    switch (type) {
      case LYMPHOBLAST -> {
        // Large, nucleus fills most of the cell, fine even chromatin, nucleoli, thin blue rim.
        disc(g, s.tint(new Color(150, 172, 218)), x, y, d);
        double n = d * 0.86;
        blob(g, r, s.tint(new Color(122, 84, 165)), x, y, n, 0.06);
        speckle(g, r, s.tint(new Color(108, 72, 150)), x, y, n * 0.9, 60, d * 0.03);
        int nucleoli = 1 + r.nextInt(3);
        for (int i = 0; i < nucleoli; i++) {
          double[] p = inside(r, x, y, n * 0.5);
          disc(g, s.tint(new Color(168, 158, 208)), p[0], p[1], d * (0.1 + r.nextDouble() * 0.05));
        }
      }
      case LYMPHOCYTE -> {
        // Small, dense round nucleus, coarse chromatin clumps, a thin sky-blue rim.
        disc(g, s.tint(new Color(140, 175, 225)), x, y, d);
        double n = d * 0.84;
        blob(g, r, s.tint(new Color(72, 42, 112)), x, y, n, 0.05);
        speckle(g, r, s.tint(new Color(50, 28, 85)), x, y, n * 0.85, 14, d * 0.08);
      }
      case NEUTROPHIL -> {
        // Pink granular cytoplasm and three to five segmented lobes joined by thin strands.
        disc(g, s.tint(new Color(236, 202, 212)), x, y, d);
        speckle(g, r, s.tint(new Color(214, 160, 186)), x, y, d * 0.9, 90, d * 0.025);
        int lobes = 3 + r.nextInt(3);
        double start = r.nextDouble() * Math.PI * 2;
        double[] previous = null;
        for (int i = 0; i < lobes; i++) {
          double angle = start + i * 1.1;
          double lx = x + Math.cos(angle) * d * 0.22;
          double ly = y + Math.sin(angle) * d * 0.22;
          if (previous != null) {
            g.setColor(s.tint(new Color(92, 52, 122)));
            g.setStroke(new java.awt.BasicStroke((float) (d * 0.05)));
            g.drawLine((int) previous[0], (int) previous[1], (int) lx, (int) ly);
          }
          blob(g, r, s.tint(new Color(92, 52, 122)), lx, ly, d * 0.26, 0.1);
          previous = new double[] {lx, ly};
        }
      }
      case MONOCYTE -> {
        // Large, grey-blue cytoplasm with vacuoles, a folded kidney-shaped lacy nucleus.
        disc(g, s.tint(new Color(178, 176, 204)), x, y, d);
        speckle(g, r, s.tint(new Color(222, 220, 236)), x, y, d * 0.85, 8, d * 0.06);
        double n = d * 0.62;
        double nx = x + d * 0.06;
        Area nucleus = new Area(new Ellipse2D.Double(nx - n / 2, y - n * 0.45, n, n * 0.9));
        nucleus.subtract(
            new Area(new Ellipse2D.Double(nx - n * 0.05, y - n * 0.3, n * 0.7, n * 0.6)));
        g.setColor(s.tint(new Color(128, 94, 160)));
        g.fill(nucleus);
      }
      case EOSINOPHIL -> {
        // Bilobed nucleus under coarse orange-red granules.
        disc(g, s.tint(new Color(238, 176, 138)), x, y, d);
        speckle(g, r, s.tint(new Color(228, 118, 78)), x, y, d * 0.9, 110, d * 0.06);
        blob(g, r, s.tint(new Color(98, 58, 128)), x - d * 0.16, y, d * 0.34, 0.08);
        blob(g, r, s.tint(new Color(98, 58, 128)), x + d * 0.16, y, d * 0.34, 0.08);
      }
      case BASOPHIL -> {
        // Dark purple-black granules that hide the nucleus.
        disc(g, s.tint(new Color(188, 160, 210)), x, y, d);
        blob(g, r, s.tint(new Color(110, 70, 140)), x, y, d * 0.55, 0.1);
        speckle(g, r, s.tint(new Color(56, 28, 86)), x, y, d * 0.9, 70, d * 0.08);
      }
      case ERYTHROBLAST -> {
        // Round, very dense nucleus in a polychromatic cytoplasm.
        disc(g, s.tint(new Color(168, 126, 176)), x, y, d);
        blob(g, r, s.tint(new Color(48, 24, 70)), x, y, d * 0.55, 0.03);
      }
      case SMUDGE -> {
        // A crushed cell: smeared nuclear material in streaks, no cytoplasm outline.
        for (int i = 0; i < 6; i++) {
          double[] p = inside(r, x, y, d * 0.35);
          g.setColor(s.tint(new Color(140, 100, 176, 120)));
          double w = d * (0.35 + r.nextDouble() * 0.4);
          g.fill(new Ellipse2D.Double(p[0] - w / 2, p[1] - w / 5, w, w * 0.4));
        }
        speckle(g, r, s.tint(new Color(112, 74, 150, 160)), x, y, d * 0.7, 25, d * 0.05);
      }
      case IMMATURE_GRANULOCYTE -> {
        // Large; an eccentric round-to-oval nucleus with a paler hof, blue-grey cytoplasm
        // strewn with purple-red primary granules.
        disc(g, s.tint(new Color(176, 168, 212)), x, y, d);
        speckle(g, r, s.tint(new Color(160, 86, 150)), x, y, d * 0.9, 70, d * 0.035);
        double nx = x + (r.nextDouble() - 0.5) * d * 0.24;
        double ny = y + (r.nextDouble() - 0.5) * d * 0.24;
        blob(g, r, s.tint(new Color(112, 76, 150)), nx, ny, d * 0.56, 0.12);
        speckle(g, r, s.tint(new Color(96, 62, 134)), nx, ny, d * 0.5, 20, d * 0.05);
      }
      case PLATELET -> {
        // A clump of three to seven small purple granular fragments, no nucleus.
        int pieces = 3 + r.nextInt(5);
        for (int i = 0; i < pieces; i++) {
          double[] p = inside(r, x, y, d * 0.3);
          double w = d * (0.22 + r.nextDouble() * 0.18);
          g.setColor(s.tint(new Color(186, 150, 206)));
          g.fill(new Ellipse2D.Double(p[0] - w / 2, p[1] - w * 0.4, w, w * 0.8));
          speckle(g, r, s.tint(new Color(120, 70, 150)), p[0], p[1], w * 0.8, 5, d * 0.05);
        }
      }
      default -> throw new IllegalArgumentException("No drawing for " + type);
    }
  }

  private static void disc(Graphics2D g, Color c, double x, double y, double d) {
    g.setColor(c);
    g.fill(new Ellipse2D.Double(x - d / 2, y - d / 2, d, d));
  }

  /** A slightly irregular ellipse: {@code wobble} is the relative jitter of its axes. */
  private static void blob(
      Graphics2D g, Random r, Color c, double x, double y, double d, double wobble) {
    double w = d * (1 + (r.nextDouble() - 0.5) * 2 * wobble);
    double h = d * (1 + (r.nextDouble() - 0.5) * 2 * wobble);
    g.setColor(c);
    g.fill(new Ellipse2D.Double(x - w / 2, y - h / 2, w, h));
  }

  /** {@code count} dots of {@code size} scattered inside a disc of diameter {@code d}. */
  private static void speckle(
      Graphics2D g, Random r, Color c, double x, double y, double d, int count, double size) {
    g.setColor(c);
    for (int i = 0; i < count; i++) {
      double[] p = inside(r, x, y, d / 2 - size / 2);
      g.fill(new Ellipse2D.Double(p[0] - size / 2, p[1] - size / 2, size, size));
    }
  }

  /** A uniformly random point within {@code radius} of (x, y). */
  private static double[] inside(Random r, double x, double y, double radius) {
    double a = r.nextDouble() * 2 * Math.PI;
    double rad = Math.sqrt(r.nextDouble()) * Math.max(0, radius);
    return new double[] {x + Math.cos(a) * rad, y + Math.sin(a) * rad};
  }
}
