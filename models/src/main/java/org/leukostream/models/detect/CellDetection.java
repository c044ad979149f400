package org.leukostream.models.detect;

/**
 * One cell the detector found, in field pixels.
 *
 * @param x left edge
 * @param y top edge
 * @param width box width
 * @param height box height
 * @param score detector confidence, 0..1
 * @param label the detector's class (e.g. {@code wbc})
 */
public record CellDetection(
    double x, double y, double width, double height, double score, String label) {

  /** Intersection over union with {@code other}. */
  public double iou(CellDetection other) {
    return BoxCoder.iou(corners(), other.corners());
  }

  double[] corners() {
    return new double[] {x, y, x + width, y + height};
  }
}
