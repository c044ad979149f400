package org.leukostream.models.store;

/**
 * The physical scales a detector's training fields showed it, in micrometres per input pixel (after
 * its letterbox): a field whose scale, fitted to the input, falls outside is resampled to the
 * nearest end (see {@code FieldWindows}).
 *
 * @param min the finest scale (largest cells in input pixels) it was trained at
 * @param max the coarsest scale (smallest cells) it was trained at
 * @param source how the range was measured (e.g. from the training fields' red cells, 7.5 um)
 */
public record ScaleRange(double min, double max, String source) {
  public ScaleRange {
    if (!(min > 0) || !(max >= min) || !Double.isFinite(max)) {
      throw new IllegalArgumentException(
          "A scale range needs 0 < min <= max micrometres per pixel, not " + min + ".." + max);
    }
  }

  /** Whether {@code micrometresPerInputPixel} lies in the range. */
  public boolean contains(double micrometresPerInputPixel) {
    return micrometresPerInputPixel >= min && micrometresPerInputPixel <= max;
  }

  /** The nearest scale of the range to {@code micrometresPerInputPixel}. */
  public double clamp(double micrometresPerInputPixel) {
    return Math.max(min, Math.min(max, micrometresPerInputPixel));
  }
}
