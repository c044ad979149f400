package org.leukostream.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {
  @TempDir Path dir;

  /** A C-NMC-like set: 10 leukemic and 6 normal subjects, 5 images each. */
  Path cnmc() throws Exception {
    Path root = dir.resolve("cnmc");
    for (int s = 1; s <= 16; s++) {
      boolean all = s <= 10;
      Path folder = Files.createDirectories(root.resolve("fold_0").resolve(all ? "all" : "hem"));
      for (int i = 0; i < 5; i++) {
        String subject = all ? Integer.toString(s) : "H" + s;
        Files.write(
            folder.resolve("UID_" + subject + "_" + i + "_1_" + (all ? "all" : "hem") + ".bmp"),
            new byte[] {1});
      }
    }
    return root.resolve("fold_0");
  }

  @Test
  void foldersBecomeClassesThroughAliases() throws Exception {
    Path root = dir.resolve("matek");
    for (String folder : List.of("BLA", "LYT", "NIF", "odd")) {
      Files.createDirectories(root.resolve(folder));
      Files.write(root.resolve(folder).resolve("a.jpg"), new byte[] {1});
      Files.write(root.resolve(folder).resolve("notes.txt"), new byte[] {1});
    }
    List<LabelledImage> images = ClassFolders.read(root, Map.of("odd", "smudge"));
    assertThat(images)
        .extracting(LabelledImage::label)
        .containsExactly("blast", "lymphocyte", "uncountable", "smudge");
    assertThatThrownBy(
            () -> ClassFolders.read(dir.resolve("matek/odd/..").resolve("BLA"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No images in class folders");
  }

  /**
   * A set assembled from links (class folders linked from other sets, e.g. the classes two
   * laboratories share) reads like one of real folders: the images behind a linked folder, each
   * under its link's path.
   */
  @Test
  void linkedClassFoldersAreRead() throws Exception {
    Path elsewhere = dir.resolve("pbc/lymphocyte");
    Files.createDirectories(elsewhere);
    Files.write(elsewhere.resolve("LY_1.jpg"), new byte[] {1});
    Files.write(elsewhere.resolve("LY_2.jpg"), new byte[] {1});
    Path root = dir.resolve("shared-classes");
    Files.createDirectories(root.resolve("neutrophil"));
    Files.write(root.resolve("neutrophil/SNE_1.jpg"), new byte[] {1});
    Files.createSymbolicLink(root.resolve("lymphocyte"), elsewhere);

    List<LabelledImage> images = ClassFolders.read(root, Map.of());

    assertThat(images)
        .extracting(i -> root.relativize(i.file()).toString(), LabelledImage::label)
        .containsExactly(
            tuple("lymphocyte/LY_1.jpg", "lymphocyte"),
            tuple("lymphocyte/LY_2.jpg", "lymphocyte"),
            tuple("neutrophil/SNE_1.jpg", "neutrophil"));
  }

  @Test
  void splitsAreStratifiedGroupedBySubjectSeededAndStored() throws Exception {
    Path root = cnmc();
    List<LabelledImage> images = ClassFolders.read(root, Map.of());
    assertThat(images).hasSize(80);
    assertThat(images.get(0).group()).startsWith("subject:");

    Split split = Split.create(images, new double[] {0.6, 0.2, 0.2}, 42);
    Map<String, Set<String>> partsOfSubject = new HashMap<>();
    for (LabelledImage image : images) {
      partsOfSubject
          .computeIfAbsent(image.group(), g -> new java.util.HashSet<>())
          .add(split.partOf(image.file()));
    }
    assertThat(partsOfSubject.values()).allMatch(parts -> parts.size() == 1); // no subject in two
    Map<String, Long> blastsPerPart =
        images.stream()
            .filter(i -> i.label().equals("blast"))
            .collect(Collectors.groupingBy(i -> split.partOf(i.file()), Collectors.counting()));
    assertThat(blastsPerPart)
        .containsEntry("train", 30L)
        .containsEntry("val", 10L)
        .containsEntry("test", 10L);
    assertThat(Split.create(images, new double[] {0.6, 0.2, 0.2}, 42).part(images, "test"))
        .isEqualTo(split.part(images, "test"));

    Path file = dir.resolve("splits/cnmc.tsv");
    Split stored = Split.loadOrCreate(file, root, images, Split.JIANG, 7);
    Split again = Split.loadOrCreate(file, root, images, Split.ZHOU, 99); // read, not remade
    assertThat(again.part(images, "train")).isEqualTo(stored.part(images, "train"));
    Files.write(root.resolve("all").resolve("UID_99_0_1_all.bmp"), new byte[] {1});
    List<LabelledImage> grown = ClassFolders.read(root, Map.of());
    assertThatThrownBy(() -> Split.loadOrCreate(file, root, grown, Split.JIANG, 7))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 images have no part");
  }

  @Test
  void readsTheSharedMatekSetWhenPresent() {
    Path matek = Path.of("..", "..", "shared", "datasets", "matek-bm", "train");
    assumeThat(Files.isDirectory(matek)).as("shared data set present").isTrue();
    List<LabelledImage> images = ClassFolders.read(matek, Map.of());
    Map<String, Long> perClass =
        images.stream().collect(Collectors.groupingBy(LabelledImage::label, Collectors.counting()));
    assertThat(perClass.keySet())
        .contains("blast", "lymphocyte", "uncountable", "segmented_neutrophil");
    assertThat(perClass.values()).allMatch(n -> n > 0);
  }
}
