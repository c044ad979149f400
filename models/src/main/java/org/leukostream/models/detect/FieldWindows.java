package org.leukostream.models.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.leukostream.models.store.ScaleRange;

/**
 * How a field is put in front of the detector. By default it is fitted to the input (its longer
 * side becomes the input side), which shows the detector its cells at whatever size the field's
 * pixel size and extent give them. When both the field's pixel size and the scales the detector was
 * trained at are known and the fitted scale falls outside them, the field is shown at the nearest
 * trained scale instead: a small field (a cut-out, a high magnification) is shrunk and padded, a
 * large one (a wide field, a low magnification) is cut into overlapping square windows, each shown
 * at that scale. Cells touching a window's edge inside the field are left to the neighbouring
 * window, which holds them whole (the overlap is a quarter of the input, several cell diameters at
 * any trained scale).
 *
 * @param windowSide side of one window in field pixels (the input side over {@link #inputScale})
 * @param inputScale input pixels per field pixel
 * @param origins top-left corners of the windows in field pixels, row by row
 * @param fitted whether the field is simply fitted to the input (one window, the default framing)
 * @param warning what the field result should say about its scale, if anything
 */
public record FieldWindows(
    int windowSide,
    double inputScale,
    List<int[]> origins,
    boolean fitted,
    Optional<String> warning) {

  /** Share of the input side two neighbouring windows share. */
  static final double OVERLAP = 0.25;

  public FieldWindows {
    origins = List.copyOf(origins);
  }

  /**
   * The windows of a {@code width} x {@code height} field for a detector of input {@code side}.
   *
   * @param micrometresPerPixel the field's pixel size, when the scanner said it
   * @param trained the detector's trained scales, when its manifest records them
   */
  public static FieldWindows plan(
      int width,
      int height,
      int side,
      OptionalDouble micrometresPerPixel,
      Optional<ScaleRange> trained) {
    int longer = Math.max(width, height);
    double fit = (double) side / longer;
    if (micrometresPerPixel.isEmpty()) {
      return fitted(
          longer,
          fit,
          "no micrometresPerPixel on the field: detected fitted to the detector's input"
              + " (its default scale), cell sizes unchecked");
    }
    double um = micrometresPerPixel.getAsDouble();
    if (!(um > 0) || !Double.isFinite(um)) {
      return fitted(
          longer,
          fit,
          "micrometresPerPixel " + um + " is not a pixel size: detected at the default scale");
    }
    if (trained.isEmpty()) {
      return fitted(
          longer,
          fit,
          "the detector model records no trained scale: the field's micrometresPerPixel is not"
              + " used");
    }
    double fittedUm = um / fit;
    if (trained.get().contains(fittedUm)) {
      return fitted(longer, fit, null);
    }
    double target = trained.get().clamp(fittedUm);
    double scale = um / target;
    int window = (int) Math.ceil(side / scale);
    if (window >= longer) {
      return new FieldWindows(
          window, scale, List.<int[]>of(new int[] {0, 0}), false, Optional.empty());
    }
    int overlap = (int) Math.ceil(OVERLAP * window);
    List<int[]> origins = new ArrayList<>();
    for (int y : starts(height, window, overlap)) {
      for (int x : starts(width, window, overlap)) {
        origins.add(new int[] {x, y});
      }
    }
    return new FieldWindows(window, scale, origins, false, Optional.empty());
  }

  /** Window starts along one side: every stride, the last one flush with the far edge. */
  static List<Integer> starts(int length, int window, int overlap) {
    List<Integer> out = new ArrayList<>();
    if (length <= window) {
      out.add(0);
      return out;
    }
    int stride = Math.max(1, window - overlap);
    for (int s = 0; ; s += stride) {
      if (s + window >= length) {
        out.add(length - window);
        return out;
      }
      out.add(s);
    }
  }

  /** The field fitted to the input as one window; {@code warning} null when there is none. */
  private static FieldWindows fitted(int longer, double fit, String warning) {
    return new FieldWindows(
        longer, fit, List.<int[]>of(new int[] {0, 0}), true, Optional.ofNullable(warning));
  }
}
