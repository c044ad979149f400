package org.leukostream.training.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.leukostream.models.inference.Dihedral;
import org.leukostream.models.inference.Dihedral.Transform;

/**
 * DERS, "difference enhancement + random sampling" (Jiang et al. 2021): each class of the training
 * split is expanded with its own set of flips and rotations, then every expanded class is sampled
 * at random to the same size L. As published, for two classes: the minority class gets left-right
 * flip, up-down flip, rotations by 90/180/270 and transpose (7 images per original), the majority
 * class left-right flip, rotation by 90 and transpose (4 per original). For K classes, the largest
 * class keeps 4 variants and every other class takes {@code round(4 x largest / its count)}
 * variants, at most 7, from the minority list (at most 4: from the majority list), so expanded
 * counts come out close; L is the smallest expanded count, so no class repeats an image. Only the
 * training split is expanded.
 */
public final class Ders {
  /** The published minority-class set, the original first. */
  public static final List<Transform> MINORITY = Dihedral.PUBLISHED;

  /** The published majority-class set, the original first. */
  public static final List<Transform> MAJORITY =
      List.of(Dihedral.IDENTITY, Dihedral.FLIP_LR, Dihedral.ROT90, Dihedral.TRANSPOSE);

  private Ders() {}

  /** The transforms each class gets, for classes of the given sizes. */
  public static <C> Map<C, List<Transform>> plan(Map<C, Integer> counts) {
    int largest = Collections.max(counts.values());
    Map<C, List<Transform>> out = new LinkedHashMap<>();
    counts.forEach(
        (label, count) -> {
          if (count <= 0) {
            throw new IllegalArgumentException("Class " + label + " has no images");
          }
          int variants =
              (int) Math.max(1, Math.min(MINORITY.size(), Math.round(4.0 * largest / count)));
          out.put(
              label,
              variants <= MAJORITY.size()
                  ? MAJORITY.subList(0, variants)
                  : MINORITY.subList(0, variants));
        });
    return out;
  }

  /** L: the size every class is sampled to, the smallest expanded class. */
  public static <C> int sampleSize(Map<C, Integer> counts) {
    Map<C, List<Transform>> plan = plan(counts);
    return counts.entrySet().stream()
        .mapToInt(e -> e.getValue() * plan.get(e.getKey()).size())
        .min()
        .orElse(0);
  }

  /** One training image of class {@code label}, after {@code transform}. */
  public record Item<C, T>(T source, C label, Transform transform) {}

  /**
   * The balanced training set: every (image, transform) pair of each class's plan, sampled at
   * random (seeded) without replacement to L per class, then shuffled. Images are transformed when
   * read ({@link Transform#apply}), so the expanded set costs no memory.
   */
  public static <C, T> List<Item<C, T>> balance(Map<C, List<T>> byClass, long seed) {
    Map<C, Integer> counts = new LinkedHashMap<>();
    byClass.forEach((label, items) -> counts.put(label, items.size()));
    Map<C, List<Transform>> plan = plan(counts);
    int size = sampleSize(counts);
    Random random = new Random(seed);
    List<Item<C, T>> out = new ArrayList<>(size * counts.size());
    byClass.forEach(
        (label, items) -> {
          List<Item<C, T>> expanded = new ArrayList<>();
          for (T item : items) {
            for (Transform transform : plan.get(label)) {
              expanded.add(new Item<>(item, label, transform));
            }
          }
          Collections.shuffle(expanded, random);
          out.addAll(expanded.subList(0, size));
        });
    Collections.shuffle(out, random);
    return out;
  }
}
