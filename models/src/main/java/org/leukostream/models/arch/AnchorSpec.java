package org.leukostream.models.arch;

import java.util.Arrays;

/**
 * The anchor boxes of a one-stage detector: at every cell of every pyramid level, one box per
 * (scale, aspect ratio). Level {@code i} has stride {@code strides[i]} and base size {@code
 * sizes[i]}; a box of scale {@code s} and ratio {@code r} (height / width) is {@code size * s /
 * sqrt(r)} wide and {@code size * s * sqrt(r)} high, centred on the cell centre. Anchors are
 * ordered level, row, column, box: the order the detector's head flattens its outputs in.
 *
 * @param strides pixels per feature-map cell, one per level, ascending
 * @param sizes base box side per level, in input pixels
 * @param scales relative sizes of the boxes at one location
 * @param ratios height / width of the boxes at one location
 */
public record AnchorSpec(int[] strides, double[] sizes, double[] scales, double[] ratios) {

  public AnchorSpec {
    if (strides.length == 0 || strides.length != sizes.length) {
      throw new IllegalArgumentException("one base size per pyramid level is needed");
    }
  }

  /** Boxes per feature-map location. */
  public int perLocation() {
    return scales.length * ratios.length;
  }

  /** The largest stride: the input side must be a multiple of it. */
  public int maxStride() {
    return strides[strides.length - 1];
  }

  /** Anchors for a square input of {@code side} pixels. */
  public int count(int side) {
    requireMultiple(side);
    int total = 0;
    for (int stride : strides) {
      total += (side / stride) * (side / stride) * perLocation();
    }
    return total;
  }

  /** The anchors of a square input as {@code (x1, y1, x2, y2)} rows, in input pixels. */
  public float[] boxes(int side) {
    float[] out = new float[count(side) * 4];
    int i = 0;
    for (int level = 0; level < strides.length; level++) {
      int stride = strides[level];
      int cells = side / stride;
      for (int row = 0; row < cells; row++) {
        for (int column = 0; column < cells; column++) {
          double cx = (column + 0.5) * stride;
          double cy = (row + 0.5) * stride;
          for (double scale : scales) {
            for (double ratio : ratios) {
              double w = sizes[level] * scale / Math.sqrt(ratio);
              double h = sizes[level] * scale * Math.sqrt(ratio);
              out[i++] = (float) (cx - w / 2);
              out[i++] = (float) (cy - h / 2);
              out[i++] = (float) (cx + w / 2);
              out[i++] = (float) (cy + h / 2);
            }
          }
        }
      }
    }
    return out;
  }

  private void requireMultiple(int side) {
    if (side % maxStride() != 0) {
      throw new IllegalArgumentException(
          "Detector input side "
              + side
              + " is not a multiple of the largest stride "
              + maxStride());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AnchorSpec a
        && Arrays.equals(strides, a.strides)
        && Arrays.equals(sizes, a.sizes)
        && Arrays.equals(scales, a.scales)
        && Arrays.equals(ratios, a.ratios);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(strides) * 31 + Arrays.hashCode(sizes);
  }

  @Override
  public String toString() {
    return "AnchorSpec[strides="
        + Arrays.toString(strides)
        + ", sizes="
        + Arrays.toString(sizes)
        + ", scales="
        + Arrays.toString(scales)
        + ", ratios="
        + Arrays.toString(ratios)
        + "]";
  }
}
