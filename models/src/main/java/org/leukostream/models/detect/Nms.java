package org.leukostream.models.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression within each label. */
public final class Nms {
  private Nms() {}

  /**
   * Keeps the highest-scoring boxes, dropping any box that overlaps a kept box of the same label by
   * more than {@code iou}; at most {@code max} boxes, best first.
   */
  public static List<CellDetection> suppress(List<CellDetection> boxes, double iou, int max) {
    return suppress(boxes, iou, 1, max);
  }

  /**
   * As {@link #suppress(List, double, int)}, and also dropping a box of which more than {@code
   * containment} lies inside a kept box of the same label, or that holds that much of one (a box
   * around a nucleus or a lobe inside the cell's box, or around the cell and a neighbour: the same
   * cell found twice, which IoU alone lets through); {@code containment} 1 turns this off.
   */
  public static List<CellDetection> suppress(
      List<CellDetection> boxes, double iou, double containment, int max) {
    List<CellDetection> sorted = new ArrayList<>(boxes);
    sorted.sort(Comparator.comparingDouble(CellDetection::score).reversed());
    List<CellDetection> kept = new ArrayList<>();
    for (CellDetection box : sorted) {
      if (kept.size() == max) {
        break;
      }
      boolean overlaps = false;
      for (CellDetection other : kept) {
        if (other.label().equals(box.label())
            && (other.iou(box) > iou || other.containment(box) > containment)) {
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
