package org.leukostream.models.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression within each label. */
final class Nms {
  private Nms() {}

  /**
   * Keeps the highest-scoring boxes, dropping any box that overlaps a kept box of the same label by
   * more than {@code iou}; at most {@code max} boxes, best first.
   */
  static List<CellDetection> suppress(List<CellDetection> boxes, double iou, int max) {
    List<CellDetection> sorted = new ArrayList<>(boxes);
    sorted.sort(Comparator.comparingDouble(CellDetection::score).reversed());
    List<CellDetection> kept = new ArrayList<>();
    for (CellDetection box : sorted) {
      if (kept.size() == max) {
        break;
      }
      boolean overlaps = false;
      for (CellDetection other : kept) {
        if (other.label().equals(box.label()) && other.iou(box) > iou) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        kept.add(box);
      }
    }
    return kept;
  }
}
