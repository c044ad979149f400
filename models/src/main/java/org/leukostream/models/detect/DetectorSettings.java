package org.leukostream.models.detect;

/**
 * How detections are filtered; every value comes from configuration.
 *
 * @param scoreThreshold lowest score a box is reported at
 * @param nmsIou overlap above which the weaker of two boxes of one label is dropped
 * @param nmsContainment share of the smaller of two boxes of one label lying inside the other above
 *     which the weaker is dropped (the same cell found twice, once in part); 1 turns it off
 * @param maxDetections most boxes reported per field
 * @param maxBatch most fields in one forward pass
 */
public record DetectorSettings(
    double scoreThreshold, double nmsIou, double nmsContainment, int maxDetections, int maxBatch) {

  /** RetinaNet's inference defaults, except the threshold: a missed white cell costs more. */
  public static final DetectorSettings DEFAULT = new DetectorSettings(0.5, 0.5, 1, 300, 4);

  /** Settings with plain IoU suppression only, as RetinaNet has it (evaluation, tests). */
  public DetectorSettings(double scoreThreshold, double nmsIou, int maxDetections, int maxBatch) {
    this(scoreThreshold, nmsIou, 1, maxDetections, maxBatch);
  }

  /** Boxes above the threshold kept per field before suppression, as RetinaNet's top-k. */
  static final int CANDIDATES = 1000;

  public DetectorSettings {
    if (scoreThreshold < 0 || scoreThreshold > 1) {
      throw new IllegalArgumentException("score threshold must be in 0..1, not " + scoreThreshold);
    }
    if (nmsIou <= 0 || nmsIou > 1) {
      throw new IllegalArgumentException("NMS overlap must be in (0, 1], not " + nmsIou);
    }
    if (nmsContainment <= 0 || nmsContainment > 1) {
      throw new IllegalArgumentException(
          "NMS containment must be in (0, 1], not " + nmsContainment);
    }
    if (maxDetections < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("maxDetections and maxBatch must be at least 1");
    }
  }
}
