package org.leukostream.cli.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;

/**
 * {@code frame}: a single-cell set cut the way the detector service cuts cells, same folders and
 * names, with a record of where the detector found each cell.
 */
public class FrameCommandTest {
  @TempDir Path dir;

  /**
   * A class-folder set of single-cell images cut from synthetic fields as Matek cuts its cells: the
   * cell spans 0.6 of a square image; red cells are 34 px.
   */
  public static Path singleCells(Path root, int perClass) throws Exception {
    SmearGenerator generator = new SmearGenerator(41);
    for (CellType type : List.of(CellType.LYMPHOBLAST, CellType.LYMPHOCYTE)) {
      Path folder =
          Files.createDirectories(root.resolve(type == CellType.LYMPHOBLAST ? "BLA" : "LYT"));
      for (int i = 0; i < perClass; i++) {
        SmearField field = generator.field(List.of(type), SmearGenerator.Options.DEFAULT);
        Rectangle cell = field.cells().get(0).box();
        int side = (int) Math.round(Math.max(cell.width, cell.height) / 0.6);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        image
            .createGraphics()
            .drawImage(
                field.image(),
                -(int) Math.round(cell.getCenterX() - side / 2.0),
                -(int) Math.round(cell.getCenterY() - side / 2.0),
                null);
        ImageIO.write(image, "jpg", folder.resolve(String.format("cell_%02d.jpg", i)).toFile());
      }
    }
    return root;
  }

  @Test
  void writesEveryImageFramedUnderItsOwnNameAndSaysWhereTheDetectorFoundIt() throws Exception {
    Path data = singleCells(dir.resolve("cells"), 3);
    Path out = dir.resolve("framed");
    StringWriter stdout = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            stdout,
            err,
            "frame",
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--red-cell-px",
            "34",
            "--field-magnification",
            "1",
            "--fields",
            "2");
    assertThat(exit).as(err.toString()).isZero();
    for (String folder : List.of("BLA", "LYT")) {
      for (int i = 0; i < 3; i++) {
        BufferedImage framed =
            ImageIO.read(out.resolve(folder).resolve(String.format("cell_%02d.jpg", i)).toFile());
        assertThat(framed.getWidth()).isEqualTo(128); // the detector service's crop.size
        assertThat(framed.getHeight()).isEqualTo(128);
      }
    }
    List<String> rows =
        Files.readAllLines(out.resolve("framing.tsv")).stream()
            .filter(l -> !l.startsWith("#"))
            .toList();
    assertThat(rows).hasSize(6);
    long detected = rows.stream().filter(r -> r.split("\t")[1].equals("true")).count();
    // Synthetic cells on synthetic fields are what the shipped detector knows best.
    assertThat(detected).isGreaterThanOrEqualTo(5);
    assertThat(stdout.toString())
        .contains("6 images framed into " + out)
        .contains("the detector found the cell in " + detected + " ");
    try (var fields = Files.list(out.resolve("fields"))) {
      assertThat(fields.count()).isEqualTo(2);
    }

    // The images themselves, without a field around them.
    Path alone = dir.resolve("alone");
    exit =
        Cli.run(
            new StringWriter(),
            new StringWriter(),
            "frame",
            "--data",
            data.toString(),
            "--out",
            alone.toString(),
            "--placement",
            "image",
            "--red-cell-px",
            "34");
    assertThat(exit).isZero();
    assertThat(Files.readAllLines(alone.resolve("framing.tsv"))).hasSize(7);
  }

  @Test
  void refusesToWriteIntoItsOwnData() throws Exception {
    Path data = singleCells(dir.resolve("cells"), 1);
    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            new StringWriter(),
            err,
            "frame",
            "--data",
            data.toString(),
            "--out",
            data.resolve("framed").toString());
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("--out must lie outside --data");
  }
}
