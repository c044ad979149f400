package org.leukostream.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldOutTest {
  static final String LIST =
      "# label\tdata set\tfile\n"
          + "blast\tmatek-bm/train\tBLA/BLA_00024.jpg\n"
          + "lymphocyte\tpbc/train\tlymphocyte/LY_1.jpg\n";

  @TempDir Path dir;

  static LabelledImage image(Path file, String label) {
    return new LabelledImage(
        file, label, file.getParent().getFileName().toString(), "file:" + file);
  }

  @Test
  void keepsTheListedImagesWhereverTheDataFolderLies() {
    HeldOut held = HeldOut.parse(LIST);
    Path elsewhere = dir.resolve("copy/of/matek-bm/train");
    List<LabelledImage> images =
        List.of(
            image(elsewhere.resolve("BLA/BLA_00024.jpg"), "blast"),
            image(elsewhere.resolve("BLA/BLA_00025.jpg"), "blast"),
            // Same file name, another data set: not the listed image.
            image(dir.resolve("other/train/BLA/BLA_00024.jpg"), "blast"),
            image(dir.resolve("pbc/train/lymphocyte/LY_1.jpg"), "lymphocyte"));

    assertThat(held.keep(images))
        .extracting(i -> dir.relativize(i.file()).toString())
        .containsExactly(
            "copy/of/matek-bm/train/BLA/BLA_00024.jpg", "pbc/train/lymphocyte/LY_1.jpg");
    assertThat(held.resolve(Path.of("/data")))
        .extracting(LabelledImage::label, i -> i.file().toString())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("blast", "/data/matek-bm/train/BLA/BLA_00024.jpg"),
            org.assertj.core.groups.Tuple.tuple(
                "lymphocyte", "/data/pbc/train/lymphocyte/LY_1.jpg"));
  }

  @Test
  void readsTheListBesideAModelDirectoryOrOnTheClassPath() throws Exception {
    Files.writeString(dir.resolve(HeldOut.FILE), LIST);
    assertThat(HeldOut.of(dir.toString()).orElseThrow().entries()).hasSize(2);
    assertThat(HeldOut.of(dir.resolve("none").toString())).isEmpty();
    assertThat(
            HeldOut.of("classpath:org/leukostream/models/default/blast-vit")
                .orElseThrow()
                .entries())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.dataSet()).isEqualTo("matek-bm/train"));
    assertThat(HeldOut.of("classpath:org/leukostream/models/none")).isEmpty();
  }

  @Test
  void aMalformedLineIsRefused() {
    assertThatThrownBy(() -> HeldOut.parse("blast matek-bm/train BLA/BLA_1.jpg\n"))
        .hasMessageContaining("label<TAB>data set<TAB>file");
  }
}
