package org.leukostream.synthetic.smear;

import java.awt.Color;
import java.util.Random;

/** A field's staining and exposure: per-channel gains applied to every colour drawn. */
record Stain(double red, double green, double blue) {
  static Stain random(Random random) {
    double exposure = 0.92 + random.nextDouble() * 0.12;
    return new Stain(
        exposure * (0.94 + random.nextDouble() * 0.1),
        exposure * (0.94 + random.nextDouble() * 0.1),
        exposure * (0.94 + random.nextDouble() * 0.1));
  }

  Color tint(Color c) {
    return new Color(
        clamp(c.getRed() * red),
        clamp(c.getGreen() * green),
        clamp(c.getBlue() * blue),
        c.getAlpha());
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
