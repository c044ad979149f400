package org.leukostream.training.detect;

import java.util.List;
import org.leukostream.models.detect.BoxCoder;

/**
 * What each anchor should predict for one image, RetinaNet's assignment: an anchor whose best
 * intersection over union with a ground-truth box is at least {@link #FOREGROUND} learns that box's
 * class and offsets; below {@link #BACKGROUND} it learns background; in between it is ignored. Each
 * ground-truth box also claims its best anchor, so that no cell is left without a positive anchor.
 *
 * @param classes one-hot class targets, {@code anchors x classes} (all zero for background)
 * @param valid 1 where the anchor counts towards the class loss, 0 where it is ignored
 * @param positive 1 where the anchor is matched to a box and its offsets are learned
 * @param offsets offset targets, {@code anchors x 4}
 * @param positives the number of positive anchors
 */
record DetectionTargets(
    float[] classes, float[] valid, float[] positive, float[] offsets, int positives) {
  static final double FOREGROUND = 0.5;
  static final double BACKGROUND = 0.4;

  /**
   * @param anchors {@code (x1, y1, x2, y2)} rows in input pixels
   * @param boxes ground-truth {@code (x1, y1, x2, y2)} in input pixels
   * @param labels class index of each box
   * @param classCount classes of the detector
   */
  static DetectionTargets assign(
      float[] anchors, List<float[]> boxes, int[] labels, int classCount) {
    int count = anchors.length / 4;
    float[] classes = new float[count * classCount];
    float[] valid = new float[count];
    float[] positive = new float[count];
    float[] offsets = new float[count * 4];
    double[] best = new double[count];
    int[] match = new int[count];
    java.util.Arrays.fill(match, -1);
    int[] bestAnchor = new int[boxes.size()];
    double[] bestAnchorIou = new double[boxes.size()];
    for (int a = 0; a < count; a++) {
      double[] anchor = {
        anchors[a * 4], anchors[a * 4 + 1], anchors[a * 4 + 2], anchors[a * 4 + 3]
      };
      for (int g = 0; g < boxes.size(); g++) {
        float[] b = boxes.get(g);
        double iou = BoxCoder.iou(anchor, new double[] {b[0], b[1], b[2], b[3]});
        if (iou > best[a]) {
          best[a] = iou;
          match[a] = g;
        }
        if (iou > bestAnchorIou[g]) {
          bestAnchorIou[g] = iou;
          bestAnchor[g] = a;
        }
      }
    }
    for (int g = 0; g < boxes.size(); g++) {
      if (bestAnchorIou[g] > 0) {
        best[bestAnchor[g]] = Math.max(best[bestAnchor[g]], FOREGROUND);
        match[bestAnchor[g]] = g;
      }
    }
    int positives = 0;
    for (int a = 0; a < count; a++) {
      if (best[a] >= FOREGROUND) {
        valid[a] = 1;
        positive[a] = 1;
        positives++;
        classes[a * classCount + labels[match[a]]] = 1;
        BoxCoder.encode(anchors, a, boxes.get(match[a]), offsets, a * 4);
      } else if (best[a] < BACKGROUND) {
        valid[a] = 1;
      }
    }
    return new DetectionTargets(classes, valid, positive, offsets, positives);
  }
}
