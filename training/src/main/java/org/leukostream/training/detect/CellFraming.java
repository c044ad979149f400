package org.leukostream.training.detect;

import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.OptionalDouble;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.WbcDetector;

/**
 * Frames a cell the way the service frames a cell of a field: the detector finds it and {@link
 * CropExtractor} cuts its square with the service's margin and size. A classifier trained on such
 * crops sees its cells at the size, position and context it will see them in service, not at a
 * single-cell data set's own framing (Matek's cell spans about 0.6 of its image, the detector's
 * crop about 0.77 of its own).
 *
 * <p>The cell is the detection that best overlaps where the cell is known to be; where none
 * overlaps it by at least {@link #MIN_IOU} (the detector missed it, or found only a neighbour) the
 * known box is cut instead, and the result says so.
 *
 * @param detector the service's detector
 * @param crops the service's crop geometry
 */
public record CellFraming(WbcDetector detector, CropExtractor crops) {
  /** The least overlap with the known box for a detection to be taken as the cell. */
  public static final double MIN_IOU = 0.3;

  /**
   * One framed cell.
   *
   * @param crop the classifier's input as the service would cut it
   * @param known where the cell was known to be
   * @param nearest the detection that best overlaps it, or {@code known} when there is none
   * @param overlap their IoU (0 when there is no detection)
   * @param detections cells the detector found in the field
   */
  public record Framed(
      BufferedImage crop,
      CellDetection known,
      CellDetection nearest,
      double overlap,
      int detections) {
    /** Whether the detector found the cell. */
    public boolean detected() {
      return overlap >= MIN_IOU;
    }

    /** The box the crop was cut around: the detector's where it found the cell, else the known. */
    public CellDetection box() {
      return cutAround(known, nearest, overlap);
    }
  }

  /**
   * Frames the cell at {@code known} in {@code field}.
   *
   * @param micrometresPerPixel the field's pixel size, when known (the detector then sees it at its
   *     trained scale)
   */
  public Framed frame(BufferedImage field, CellDetection known, OptionalDouble micrometresPerPixel)
      throws TranslateException {
    List<CellDetection> found = detector.detect(field, micrometresPerPixel).cells();
    CellDetection nearest = known;
    double overlap = 0;
    for (CellDetection cell : found) {
      double iou = cell.iou(known);
      if (iou > overlap) {
        nearest = cell;
        overlap = iou;
      }
    }
    return new Framed(
        crops.crop(field, cutAround(known, nearest, overlap)),
        known,
        nearest,
        overlap,
        found.size());
  }

  /** The nearest detection where it overlaps the known box enough to be the cell, else that box. */
  private static CellDetection cutAround(
      CellDetection known, CellDetection nearest, double overlap) {
    return overlap >= MIN_IOU ? nearest : known;
  }

  /**
   * The square a single-cell image's cell spans: {@code cellFraction} of the shorter side, centred.
   */
  public static CellDetection centred(int width, int height, double cellFraction) {
    if (!(cellFraction > 0 && cellFraction <= 1)) {
      throw new IllegalArgumentException("cellFraction must lie in (0, 1], not " + cellFraction);
    }
    double side = cellFraction * Math.min(width, height);
    return new CellDetection((width - side) / 2, (height - side) / 2, side, side, 1, "known");
  }
}
