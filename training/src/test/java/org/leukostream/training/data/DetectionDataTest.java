package org.leukostream.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionDataTest {
  static final Path SHARED = Path.of("..", "..", "shared", "datasets");

  @TempDir Path dir;

  @Test
  void readsPascalVocKeepingOnlyTheWantedClass() throws Exception {
    Files.createDirectories(dir.resolve("ImageSets/Main"));
    Files.createDirectories(dir.resolve("Annotations"));
    Files.writeString(dir.resolve("ImageSets/Main/test.txt"), "f1\n");
    Files.writeString(
        dir.resolve("Annotations/f1.xml"),
        "<annotation><size><width>640</width><height>480</height></size>"
            + "<object><name>WBC</name><bndbox><xmin>260</xmin><ymin>177</ymin><xmax>491</xmax>"
            + "<ymax>376</ymax></bndbox></object>"
            + "<object><name>RBC</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax>"
            + "<ymax>40</ymax></bndbox></object>"
            + "<object><name>WBC</name><bndbox><xmin>600</xmin><ymin>400</ymin><xmax>700</xmax>"
            + "<ymax>500</ymax></bndbox></object></annotation>");
    List<DetectionData.Field> fields = DetectionData.pascalVoc(dir, "test", Set.of("WBC"));
    assertThat(fields).hasSize(1);
    assertThat(fields.get(0).boxes())
        .containsExactly(
            new DetectionData.Box(260, 177, 231, 199),
            new DetectionData.Box(600, 400, 40, 80)); // clipped to the field
  }

  @Test
  void readsYoloLabelsInFieldPixels() throws Exception {
    Files.createDirectories(dir.resolve("images/val"));
    Files.createDirectories(dir.resolve("labels/val"));
    ImageIO.write(
        new BufferedImage(416, 416, BufferedImage.TYPE_INT_RGB),
        "jpg",
        dir.resolve("images/val/a.jpg").toFile());
    Files.writeString(
        dir.resolve("labels/val/a.txt"), "0 0.5 0.25 0.25 0.125\n1 0.1 0.1 0.1 0.1\n");
    List<DetectionData.Field> fields = DetectionData.yolo(dir, "val", Set.of(0));
    DetectionData.Box box = fields.get(0).boxes().get(0);
    assertThat(fields.get(0).boxes()).hasSize(1);
    assertThat(box.x()).isCloseTo(156, within(1e-9)); // 208 - 52
    assertThat(box.y()).isCloseTo(78, within(1e-9)); // 104 - 26
    assertThat(box.width()).isCloseTo(104, within(1e-9));
    assertThat(box.height()).isCloseTo(52, within(1e-9));
  }

  @Test
  void readsTheSharedBccdAndTxlPbcSetsWhenPresent() {
    assumeThat(Files.isDirectory(SHARED.resolve("bccd"))).as("shared data sets present").isTrue();
    List<DetectionData.Field> bccd =
        DetectionData.pascalVoc(SHARED.resolve("bccd"), "test", Set.of("WBC"));
    assertThat(bccd).isNotEmpty();
    assertThat(bccd).allMatch(f -> f.width() == 640 && f.height() == 480);
    assertThat(bccd.stream().mapToInt(f -> f.boxes().size()).sum())
        .isGreaterThanOrEqualTo(bccd.size() / 2);
    List<DetectionData.Field> txl = DetectionData.yolo(SHARED.resolve("txl-pbc"), "val", Set.of(0));
    assertThat(txl).isNotEmpty();
    assertThat(txl.stream().mapToInt(f -> f.boxes().size()).sum()).isPositive();
  }
}
