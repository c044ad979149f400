package org.leukostream.models.detect;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Cuts a detected cell out of its field as a classifier input: a square around the box's centre,
 * {@code margin} of the box's longer side added on every edge, resized to {@code size} pixels.
 * Where the square leaves the field the crop is filled with the field's mean colour, so a cell at
 * the edge stays centred and unstretched.
 *
 * @param margin context around the box, as a fraction of its longer side (e.g. 0.15)
 * @param size side of the crop in pixels
 */
public record CropExtractor(double margin, int size) {

  public CropExtractor {
    if (margin < 0 || size < 1) {
      throw new IllegalArgumentException("margin must be >= 0 and size >= 1");
    }
  }

  /** The crop of {@code cell} from {@code field}. */
  public BufferedImage crop(BufferedImage field, CellDetection cell) {
    double side = Math.max(cell.width(), cell.height()) * (1 + 2 * margin);
    double left = cell.x() + cell.width() / 2 - side / 2;
    double top = cell.y() + cell.height() / 2 - side / 2;
    BufferedImage crop = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = crop.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.setColor(meanColour(field));
    g.fillRect(0, 0, size, size);
    int sx1 = (int) Math.max(0, Math.floor(left));
    int sy1 = (int) Math.max(0, Math.floor(top));
    int sx2 = (int) Math.min(field.getWidth(), Math.ceil(left + side));
    int sy2 = (int) Math.min(field.getHeight(), Math.ceil(top + side));
    if (sx2 > sx1 && sy2 > sy1) {
      double perPixel = size / side;
      g.drawImage(
          field,
          (int) Math.round((sx1 - left) * perPixel),
          (int) Math.round((sy1 - top) * perPixel),
          (int) Math.round((sx2 - left) * perPixel),
          (int) Math.round((sy2 - top) * perPixel),
          sx1,
          sy1,
          sx2,
          sy2,
          null);
    }
    g.dispose();
    return crop;
  }

  /** The field's mean colour over a 16 x 16 grid of samples. */
  private static Color meanColour(BufferedImage field) {
    long r = 0;
    long gr = 0;
    long b = 0;
    int n = 0;
    for (int i = 0; i < 16; i++) {
      for (int j = 0; j < 16; j++) {
        int rgb =
            field.getRGB(field.getWidth() * (2 * i + 1) / 32, field.getHeight() * (2 * j + 1) / 32);
        r += (rgb >> 16) & 0xff;
        gr += (rgb >> 8) & 0xff;
        b += rgb & 0xff;
        n++;
      }
    }
    return new Color((int) (r / n), (int) (gr / n), (int) (b / n));
  }
}
