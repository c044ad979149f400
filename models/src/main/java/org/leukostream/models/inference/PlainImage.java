package org.leukostream.models.inference;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * A plain square of a smear's pale background: what every model must run without failing. The
 * services run it after an input failed in a model, to tell an input that breaks the model from an
 * engine that fails on everything.
 */
public final class PlainImage {
  private static final Color BACKGROUND = new Color(0xE8, 0xD8, 0xD0);

  private PlainImage() {}

  /** A {@code side} x {@code side} RGB image of the background colour. */
  public static BufferedImage of(int side) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, side, side);
    g.dispose();
    return image;
  }
}
