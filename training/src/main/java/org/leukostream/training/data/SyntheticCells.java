package org.leukostream.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.train.Progress;

/**
 * Synthetic single-cell images as a class-folder data set, so training can add them to real data:
 * every field holds one cell of every type (the stain of a field never tells a class), each cell is
 * cropped from its ground-truth box the way the detector service crops (margin 0.15, 128 px), and
 * the folders carry the taxonomy's names ({@code blast}, {@code uncountable}, {@code
 * immature_granulocyte}, ...). Seeded: the same seed and count write the same images, and a
 * complete folder is reused.
 */
public final class SyntheticCells {
  public static final CropExtractor CROPS = new CropExtractor(0.15, 128);
  private static final String COMPLETE = ".complete";

  private SyntheticCells() {}

  /** The class-folder name of a synthetic cell type. */
  public static String className(CellType type) {
    return switch (type) {
      case LYMPHOBLAST -> "blast";
      case SMUDGE -> "uncountable";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }

  /** Writes {@code perClass} crops of every cell type under {@code dir} (or reuses them). */
  public static Path write(Path dir, int perClass, long seed, PrintWriter err) {
    String stamp = "seed " + seed + ", " + perClass + " per class";
    try {
      Path complete = dir.resolve(COMPLETE);
      if (Files.isRegularFile(complete) && Files.readString(complete).equals(stamp)) {
        err.printf("synthetic cells: reusing %s (%s)%n", dir, stamp);
        return dir;
      }
      List<CellType> types = List.of(CellType.values());
      for (CellType type : types) {
        Files.createDirectories(dir.resolve(className(type)));
      }
      SmearGenerator generator = new SmearGenerator(seed);
      for (int i = 0; i < perClass; i++) {
        SmearField field = generator.field(types, SmearGenerator.Options.DEFAULT);
        for (SmearCell cell : field.cells()) {
          BufferedImage crop =
              CROPS.crop(
                  field.image(),
                  new CellDetection(
                      cell.box().x,
                      cell.box().y,
                      cell.box().width,
                      cell.box().height,
                      1,
                      cell.type().className()));
          Path file =
              dir.resolve(className(cell.type()))
                  .resolve(
                      String.format(Locale.ROOT, "syn-%s-%05d.png", cell.type().className(), i));
          ImageIO.write(crop, "png", file.toFile());
        }
        if ((i + 1) % 100 == 0 || i + 1 == perClass) {
          Progress.line(
              err, "synthetic cells: " + (i + 1) + "/" + perClass + " fields", i + 1 == perClass);
        }
      }
      Files.writeString(complete, stamp);
      Progress.end(err);
      err.printf(
          "synthetic cells: %d per class for %d classes in %s%n", perClass, types.size(), dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write synthetic cells to " + dir, e);
    }
  }

  /**
   * {@code count} synthetic smear fields for the detector: 2 to 8 white cells each (smudged ones
   * included: the detector finds them, stage 1 drops them), lymphoblast share 0 to 60%. Seeded.
   */
  public static List<SmearField> fields(int count, long seed) {
    SmearGenerator generator = new SmearGenerator(seed);
    java.util.Random random = new java.util.Random(seed);
    List<SmearField> out = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      List<CellType> cells =
          generator.caseCells(1, 2 + random.nextInt(7), random.nextDouble() * 0.6).get(0);
      out.add(generator.field(cells, SmearGenerator.Options.DEFAULT));
    }
    return out;
  }

  /**
   * {@code count} fields of the synthetic scale with 2-8 white cells each, drawn at random from
   * {@code pool} (real single-cell images) and placed as {@code demo --data} places them.
   *
   * @param scale field pixels per image pixel (the fields' red-cell diameter over the images')
   */
  public static List<SmearField> realCellFields(
      List<org.leukostream.synthetic.smear.CellImage> pool, int count, long seed, double scale) {
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("No cell images to draw real-cell fields from");
    }
    SmearGenerator generator = new SmearGenerator(seed);
    java.util.Random random = new java.util.Random(seed);
    List<SmearField> out = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int cells = 2 + random.nextInt(7);
      List<org.leukostream.synthetic.smear.CellImage> drawn = new java.util.ArrayList<>(cells);
      for (int c = 0; c < cells; c++) {
        drawn.add(pool.get(random.nextInt(pool.size())));
      }
      out.add(generator.field(drawn, scale, SmearGenerator.Options.DEFAULT));
    }
    return out;
  }

  /**
   * Writes {@code fields} under {@code dir} as a Pascal VOC set whose {@code val} part is all of
   * them ({@code evaluate --task detect --data DIR --part val} reads it), and returns them as
   * annotated fields.
   */
  public static List<DetectionData.Field> writeVoc(Path dir, List<SmearField> fields)
      throws IOException {
    Path images = Files.createDirectories(dir.resolve("JPEGImages"));
    Path annotations = Files.createDirectories(dir.resolve("Annotations"));
    Path sets = Files.createDirectories(dir.resolve("ImageSets").resolve("Main"));
    List<DetectionData.Field> out = new java.util.ArrayList<>(fields.size());
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      SmearField field = fields.get(i);
      String id = String.format(Locale.ROOT, "field-%04d", i);
      Path file = images.resolve(id + ".jpg");
      writeJpeg(field.image(), file);
      int width = field.image().getWidth();
      int height = field.image().getHeight();
      StringBuilder xml =
          new StringBuilder("<annotation><size><width>")
              .append(width)
              .append("</width><height>")
              .append(height)
              .append("</height></size>");
      List<DetectionData.Box> boxes = new java.util.ArrayList<>();
      for (var cell : field.cells()) {
        var b = cell.box();
        boxes.add(new DetectionData.Box(b.x, b.y, b.width, b.height));
        xml.append(
            String.format(
                Locale.ROOT,
                "<object><name>WBC</name><bndbox><xmin>%d</xmin><ymin>%d</ymin><xmax>%d</xmax>"
                    + "<ymax>%d</ymax></bndbox></object>",
                b.x,
                b.y,
                b.x + b.width,
                b.y + b.height));
      }
      Files.writeString(annotations.resolve(id + ".xml"), xml.append("</annotation>"));
      ids.append(id).append('\n');
      out.add(new DetectionData.Field(file, width, height, boxes));
    }
    Files.writeString(sets.resolve("val.txt"), ids);
    return out;
  }

  /** Writes {@code image} as a JPEG of quality 0.95 (little loss; ImageIO's default is 0.75). */
  public static void writeJpeg(BufferedImage image, Path file) throws IOException {
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.95f);
    Files.deleteIfExists(file);
    try (javax.imageio.stream.ImageOutputStream stream =
        ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(stream);
      writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
