package org.leukostream.training.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Finds the same field in two data sets even after it was resized or re-encoded (TXL-PBC holds
 * BCCD's fields re-annotated at 416 x 416): a 64-bit difference hash of the whole image (9 x 8 grey
 * levels, one bit per horizontal gradient sign) and the Hamming distance between hashes.
 */
public final class NearDuplicates {
  /**
   * Hashes this close or closer are taken for the same field. Between TXL-PBC and BCCD the
   * distances of the same field reach 10, different fields start at 14.
   */
  public static final int SAME_FIELD = 10;

  private NearDuplicates() {}

  /** The difference hash of {@code image}. */
  public static long fingerprint(BufferedImage image) {
    BufferedImage small = new BufferedImage(9, 8, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    // Two halvings first, so the 9 x 8 sample averages the field instead of picking pixels.
    BufferedImage step = image;
    while (step.getWidth() > 72) {
      BufferedImage half =
          new BufferedImage(
              Math.max(9, step.getWidth() / 2),
              Math.max(8, step.getHeight() / 2),
              BufferedImage.TYPE_INT_RGB);
      Graphics2D h = half.createGraphics();
      h.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      h.drawImage(step, 0, 0, half.getWidth(), half.getHeight(), null);
      h.dispose();
      step = half;
    }
    g.drawImage(step, 0, 0, 9, 8, null);
    g.dispose();
    long hash = 0;
    var raster = small.getRaster();
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        hash = hash << 1 | (raster.getSample(x, y, 0) < raster.getSample(x + 1, y, 0) ? 1 : 0);
      }
    }
    return hash;
  }

  /** Differing bits of two hashes. */
  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /** Whether {@code hash} is within {@link #SAME_FIELD} of any of {@code others}. */
  public static boolean matchesAny(long hash, List<Long> others) {
    for (long other : others) {
      if (distance(hash, other) <= SAME_FIELD) {
        return true;
      }
    }
    return false;
  }
}
