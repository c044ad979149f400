package org.leukostream.models.inference;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The square's symmetries as exact pixel moves (no interpolation): what test-time augmentation
 * averages over, and what DERS (training) expands classes with.
 */
public final class Dihedral {
  private Dihedral() {}

  /** A named image operation. */
  public record Transform(String name, UnaryOperator<BufferedImage> apply) {}

  public static final Transform IDENTITY = new Transform("identity", i -> i);
  public static final Transform FLIP_LR =
      new Transform("flip-lr", i -> remap(i, false, (x, y, w, h) -> new int[] {w - 1 - x, y}));
  public static final Transform FLIP_UD =
      new Transform("flip-ud", i -> remap(i, false, (x, y, w, h) -> new int[] {x, h - 1 - y}));
  public static final Transform ROT90 =
      new Transform("rot90", i -> remap(i, true, (x, y, w, h) -> new int[] {h - 1 - y, x}));
  public static final Transform ROT180 =
      new Transform(
          "rot180", i -> remap(i, false, (x, y, w, h) -> new int[] {w - 1 - x, h - 1 - y}));
  public static final Transform ROT270 =
      new Transform("rot270", i -> remap(i, true, (x, y, w, h) -> new int[] {y, w - 1 - x}));
  public static final Transform TRANSPOSE =
      new Transform("transpose", i -> remap(i, true, (x, y, w, h) -> new int[] {y, x}));

  /** The identity and the six turns and flips Jiang et al. publish (DERS' minority-class set). */
  public static final List<Transform> PUBLISHED =
      List.of(IDENTITY, FLIP_LR, FLIP_UD, ROT90, ROT180, ROT270, TRANSPOSE);

  /** Where pixel (x, y) of a w x h image goes. */
  private interface PixelMap {
    int[] to(int x, int y, int w, int h);
  }

  /** Moves every pixel exactly (no interpolation); {@code swap}: the result is h x w. */
  private static BufferedImage remap(BufferedImage image, boolean swap, PixelMap map) {
    int w = image.getWidth();
    int h = image.getHeight();
    int type =
        image.getType() == BufferedImage.TYPE_CUSTOM
            ? BufferedImage.TYPE_INT_ARGB
            : image.getType();
    BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int[] to = map.to(x, y, w, h);
        out.setRGB(to[0], to[1], image.getRGB(x, y));
      }
    }
    return out;
  }
}
