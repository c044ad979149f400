package org.leukostream.training.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.leukostream.models.store.ScaleRange;
import org.leukostream.training.data.DetectionData;

/**
 * The physical scale of detector training fields, read from their red cells: a red cell is about
 * {@link #RED_CELL_MICROMETRES} across, so the median diameter of a set's whole, round red-cell
 * boxes at the detector's input gives the set's micrometres per input pixel.
 */
public final class RedCellScale {
  /** A red cell's diameter in micrometres. */
  public static final double RED_CELL_MICROMETRES = 7.5;

  private RedCellScale() {}

  /**
   * The median red-cell diameter in input pixels of {@code fields} (their boxes are red cells) for
   * an input of {@code side}: boxes roughly square (aspect 0.8-1.25) and clear of the field's edge
   * (partly outside cells are cut); empty when there is none.
   */
  public static OptionalDouble medianInputDiameter(List<DetectionData.Field> fields, int side) {
    List<Double> diameters = new ArrayList<>();
    for (DetectionData.Field field : fields) {
      double fit = (double) side / Math.max(field.width(), field.height());
      for (DetectionData.Box b : field.boxes()) {
        double aspect = b.width() / b.height();
        boolean whole =
            b.x() > 2
                && b.y() > 2
                && b.x() + b.width() < field.width() - 2
                && b.y() + b.height() < field.height() - 2;
        if (whole && aspect >= 0.8 && aspect <= 1.25) {
          diameters.add((b.width() + b.height()) / 2 * fit);
        }
      }
    }
    if (diameters.isEmpty()) {
      return OptionalDouble.empty();
    }
    diameters.sort(Double::compare);
    int n = diameters.size();
    return OptionalDouble.of(
        n % 2 == 1 ? diameters.get(n / 2) : (diameters.get(n / 2 - 1) + diameters.get(n / 2)) / 2);
  }

  /**
   * The range of scales of the training sets whose median red-cell diameters at the input are
   * {@code mediansBySet}; null when none is known.
   */
  public static ScaleRange range(Map<String, Double> mediansBySet) {
    if (mediansBySet.isEmpty()) {
      return null;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Double> set : mediansBySet.entrySet()) {
      double um = RED_CELL_MICROMETRES / set.getValue();
      min = Math.min(min, um);
      max = Math.max(max, um);
      parts.add(String.format(Locale.ROOT, "%s %.1f px (%.3f)", set.getKey(), set.getValue(), um));
    }
    return new ScaleRange(
        Math.floor(min * 1000) / 1000,
        Math.ceil(max * 1000) / 1000,
        "median red cell ("
            + RED_CELL_MICROMETRES
            + " um) of the training fields at the input: "
            + String.join(", ", parts));
  }
}
