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

  /**
   * The share of the smaller of the two boxes that lies inside the other: 1 when one box holds the
   * other, however much larger it is (their IoU is then small).
   */
  public double containment(CellDetection other) {
    double w = Math.min(x + width, other.x + other.width) - Math.max(x, other.x);
    double h = Math.min(y + height, other.y + other.height) - Math.max(y, other.y);
    double smaller = Math.min(width * height, other.width * other.height);
    return w <= 0 || h <= 0 || smaller <= 0 ? 0 : w * h / smaller;
  }

  double[] corners() {
    return new double[] {x, y, x + width, y + height};
  }
}
