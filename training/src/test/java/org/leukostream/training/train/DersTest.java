package org.leukostream.training.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.leukostream.models.inference.Dihedral;

class DersTest {

  @Test
  void twoClassesGetThePublishedTransformSets() {
    // C-NMC-like imbalance: ALL about twice HEM.
    Map<String, List<Dihedral.Transform>> plan = Ders.plan(Map.of("all", 7272, "hem", 3389));
    assertThat(plan.get("hem"))
        .extracting(Dihedral.Transform::name)
        .containsExactly(
            "identity", "flip-lr", "flip-ud", "rot90", "rot180", "rot270", "transpose");
    assertThat(plan.get("all"))
        .extracting(Dihedral.Transform::name)
        .containsExactly("identity", "flip-lr", "rot90", "transpose");
    // L = min(7272 x 4, 3389 x 7) = 23723
    assertThat(Ders.sampleSize(Map.of("all", 7272, "hem", 3389))).isEqualTo(23723);
  }

  @Test
  void kClassesComeOutCloseAndBalanced() {
    Map<String, Integer> counts = Map.of("a", 100, "b", 50, "c", 25, "d", 400);
    Map<String, List<Dihedral.Transform>> plan = Ders.plan(counts);
    // largest (d) keeps 4; a: round(16) -> 7 (at most); b: 7; c: 7
    assertThat(plan.get("d")).hasSize(4);
    assertThat(plan.get("a")).hasSize(7);
    Map<String, List<Integer>> byClass =
        counts.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey, e -> IntStream.range(0, e.getValue()).boxed().toList()));
    List<Ders.Item<String, Integer>> balanced = Ders.balance(byClass, 7);
    int l = Ders.sampleSize(counts);
    assertThat(l).isEqualTo(25 * 7);
    Map<String, Long> perClass =
        balanced.stream().collect(Collectors.groupingBy(Ders.Item::label, Collectors.counting()));
    assertThat(perClass)
        .containsOnly(
            Map.entry("a", (long) l),
            Map.entry("b", (long) l),
            Map.entry("c", (long) l),
            Map.entry("d", (long) l));
    // Sampled without replacement: no (image, transform) pair twice.
    assertThat(balanced.stream().map(i -> i.label() + i.source() + i.transform().name()))
        .doesNotHaveDuplicates();
    // Seeded: the same set every time.
    assertThat(Ders.balance(byClass, 7)).isEqualTo(balanced);
  }

  @Test
  void transformsMovePixelsExactly() {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    int[][] px = {{1, 2, 3}, {4, 5, 6}}; // [y][x]
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        image.setRGB(x, y, px[y][x]);
      }
    }
    assertThat(pixels(Dihedral.FLIP_LR.apply().apply(image)))
        .isEqualTo(new int[][] {{3, 2, 1}, {6, 5, 4}});
    assertThat(pixels(Dihedral.FLIP_UD.apply().apply(image)))
        .isEqualTo(new int[][] {{4, 5, 6}, {1, 2, 3}});
    assertThat(pixels(Dihedral.ROT90.apply().apply(image)))
        .isEqualTo(new int[][] {{4, 1}, {5, 2}, {6, 3}});
    assertThat(pixels(Dihedral.ROT180.apply().apply(image)))
        .isEqualTo(new int[][] {{6, 5, 4}, {3, 2, 1}});
    assertThat(pixels(Dihedral.ROT270.apply().apply(image)))
        .isEqualTo(new int[][] {{3, 6}, {2, 5}, {1, 4}});
    assertThat(pixels(Dihedral.TRANSPOSE.apply().apply(image)))
        .isEqualTo(new int[][] {{1, 4}, {2, 5}, {3, 6}});
  }

  static int[][] pixels(BufferedImage image) {
    int[][] out = new int[image.getHeight()][image.getWidth()];
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        out[y][x] = image.getRGB(x, y) & 0xFFFFFF;
      }
    }
    return out;
  }
}
