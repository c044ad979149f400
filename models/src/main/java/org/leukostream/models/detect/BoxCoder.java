package org.leukostream.models.detect;

/**
 * Box offsets relative to an anchor, as RetinaNet and Faster R-CNN regress them: centre shift in
 * anchor widths and heights, and the log of the size ratio. Boxes are {@code (x1, y1, x2, y2)}.
 */
public final class BoxCoder {
  /** Largest log size ratio decoded, so that an untrained head cannot overflow a box. */
  public static final double MAX_LOG_RATIO = Math.log(1000.0 / 16);

  private BoxCoder() {}

  /** The offsets that move {@code anchors[a]} onto {@code box}, written to {@code out[o..o+3]}. */
  public static void encode(float[] anchors, int a, float[] box, float[] out, int o) {
    double aw = anchors[a * 4 + 2] - anchors[a * 4];
    double ah = anchors[a * 4 + 3] - anchors[a * 4 + 1];
    double ax = anchors[a * 4] + aw / 2;
    double ay = anchors[a * 4 + 1] + ah / 2;
    double w = box[2] - box[0];
    double h = box[3] - box[1];
    out[o] = (float) ((box[0] + w / 2 - ax) / aw);
    out[o + 1] = (float) ((box[1] + h / 2 - ay) / ah);
    out[o + 2] = (float) Math.log(w / aw);
    out[o + 3] = (float) Math.log(h / ah);
  }

  /** The box that {@code offsets[o..o+3]} make of {@code anchors[a]}. */
  public static double[] decode(float[] anchors, int a, float[] offsets, int o) {
    double aw = anchors[a * 4 + 2] - anchors[a * 4];
    double ah = anchors[a * 4 + 3] - anchors[a * 4 + 1];
    double ax = anchors[a * 4] + aw / 2;
    double ay = anchors[a * 4 + 1] + ah / 2;
    double x = ax + offsets[o] * aw;
    double y = ay + offsets[o + 1] * ah;
    double w = aw * Math.exp(Math.min(offsets[o + 2], MAX_LOG_RATIO));
    double h = ah * Math.exp(Math.min(offsets[o + 3], MAX_LOG_RATIO));
    return new double[] {x - w / 2, y - h / 2, x + w / 2, y + h / 2};
  }

  /** Intersection over union of two {@code (x1, y1, x2, y2)} boxes. */
  public static double iou(double[] a, double[] b) {
    double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
    double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    double inter = w * h;
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
  }
}
