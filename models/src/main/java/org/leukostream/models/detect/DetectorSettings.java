package org.leukostream.models.detect;

/**
 * How detections are filtered; every value comes from configuration.
 *
 * @param scoreThreshold lowest score a box is reported at
 * @param nmsIou overlap above which the weaker of two boxes of one label is dropped
 * @param maxDetections most boxes reported per field
 * @param maxBatch most fields in one forward pass
 */
public record DetectorSettings(
    double scoreThreshold, double nmsIou, int maxDetections, int maxBatch) {

  /** RetinaNet's inference defaults, except the threshold: a missed white cell costs more. */
  public static final DetectorSettings DEFAULT = new DetectorSettings(0.5, 0.5, 300, 4);

  /** Boxes above the threshold kept per field before suppression, as RetinaNet's top-k. */
  static final int CANDIDATES = 1000;

  public DetectorSettings {
    if (scoreThreshold < 0 || scoreThreshold > 1) {
      throw new IllegalArgumentException("score threshold must be in 0..1, not " + scoreThreshold);
    }
    if (nmsIou <= 0 || nmsIou > 1) {
      throw new IllegalArgumentException("NMS overlap must be in (0, 1], not " + nmsIou);
    }
    if (maxDetections < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("maxDetections and maxBatch must be at least 1");
    }
  }
}
