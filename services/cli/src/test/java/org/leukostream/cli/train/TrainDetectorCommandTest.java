package org.leukostream.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;
import org.leukostream.cli.frame.FrameCommandTest;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.data.DataSets;

/**
 * {@code train --task detect} on a tiny synthetic Pascal VOC set: the loss falls, AP is reported.
 */
class TrainDetectorCommandTest {
  @TempDir Path dir;

  Path vocSet() throws Exception {
    Path root = dir.resolve("voc");
    Files.createDirectories(root.resolve("Annotations"));
    Files.createDirectories(root.resolve("JPEGImages"));
    Files.createDirectories(root.resolve("ImageSets/Main"));
    SmearGenerator generator = new SmearGenerator(21);
    List<List<CellType>> cases = generator.caseCells(6, 5, 0.3);
    StringBuilder train = new StringBuilder();
    StringBuilder val = new StringBuilder();
    for (int i = 0; i < cases.size(); i++) {
      SmearField field = generator.field(cases.get(i), SmearGenerator.Options.DEFAULT);
      String id = "field_" + i;
      Files.write(root.resolve("JPEGImages").resolve(id + ".jpg"), field.encode("jpg"));
      StringBuilder xml =
          new StringBuilder("<annotation><size><width>")
              .append(field.image().getWidth())
              .append("</width><height>")
              .append(field.image().getHeight())
              .append("</height></size>");
      for (SmearCell cell : field.cells()) {
        var b = cell.box();
        xml.append("<object><name>WBC</name><bndbox><xmin>")
            .append(b.x)
            .append("</xmin><ymin>")
            .append(b.y)
            .append("</ymin><xmax>")
            .append(b.x + b.width)
            .append("</xmax><ymax>")
            .append(b.y + b.height)
            .append("</ymax></bndbox></object>");
      }
      // One annotated red cell of 80 px: 32 px at the 256 px input, 7.5 / 32 um per input pixel.
      xml.append(
          "<object><name>RBC</name><bndbox><xmin>20</xmin><ymin>20</ymin><xmax>100</xmax>"
              + "<ymax>100</ymax></bndbox></object>");
      Files.writeString(root.resolve("Annotations").resolve(id + ".xml"), xml + "</annotation>");
      (i < 4 ? train : val).append(id).append('\n');
    }
    Files.writeString(root.resolve("ImageSets/Main/train.txt"), train);
    Files.writeString(root.resolve("ImageSets/Main/val.txt"), val);
    return root;
  }

  @Test
  void trainsTheDetectorAndReportsItsValidationAp() throws Exception {
    Path data = vocSet();
    Path model = dir.resolve("detector");
    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            new StringWriter(),
            err,
            "train",
            "--task",
            "detect",
            "--data",
            data.toString(),
            "--out",
            model.toString(),
            "--epochs",
            "8",
            "--batch",
            "2");
    assertThat(exit).as(err.toString()).isZero();
    String set = DataSets.name(data);
    assertThat(err.toString())
        .contains(
            "4 training fields, 0 left out",
            "4 training fields from",
            "validation " + set + " (2 fields): AP@0.5");
    assertThat(model.resolve("manifest.json")).exists();
    JsonNode scale =
        new ObjectMapper()
            .readTree(model.resolve("manifest.json").toFile())
            .path("micrometresPerInputPixel");
    assertThat(scale.path("min").asDouble()).isEqualTo(0.234); // 7.5 / 32 = 0.2344, rounded down
    assertThat(scale.path("max").asDouble()).isEqualTo(0.235);
    assertThat(model.resolve("training.png")).exists();
    JsonNode report = new ObjectMapper().readTree(model.resolve("training.json").toFile());
    assertThat(report.path("validation").path(set).path("truths").asInt()).isEqualTo(10);
    double ap = report.path("validation").path(set).path("averagePrecision").asDouble();
    assertThat(ap).isBetween(0.0, 1.0);
    JsonNode losses = report.path("losses");
    assertThat(losses.size()).isEqualTo(16);
    double first = 0;
    double last = 0;
    for (int i = 0; i < 4; i++) {
      first += losses.get(i).asDouble();
      last += losses.get(losses.size() - 1 - i).asDouble();
    }
    assertThat(last).as("mean loss of the last 4 steps below the first 4").isLessThan(first);

    // evaluate --task detect scores the same model on the same fields the same way.
    Path evaluated = model.resolveSibling("detect-report");
    JsonNode scored =
        evaluateVal(data, "--model", model.toString(), "--out", evaluated.toString())
            .path("bySource")
            .path(DataSets.name(data));
    assertThat(evaluated.resolve("pr.png")).isNotEmptyFile();
    assertThat(javax.imageio.ImageIO.read(evaluated.resolve("pr.png").toFile()).getWidth())
        .isPositive();
    assertThat(new ObjectMapper().readTree(evaluated.resolve("report.json").toFile()).toString())
        .as("the curves stay out of the JSON")
        .doesNotContain("Curve");
    assertThat(scored.path("truths").asInt()).isEqualTo(10);
    assertThat(scored.path("averagePrecision").asDouble()).isEqualTo(ap);
    assertThat(scored.path("threshold").asDouble()).isEqualTo(0.5);
    assertThat(scored.path("recallAtThreshold").asDouble())
        .isBetween(0.0, scored.path("recall").asDouble());
  }

  /** {@code evaluate --task detect --part val --json} on {@code data}: its JSON summary. */
  static JsonNode evaluateVal(Path data, String... more) throws Exception {
    StringWriter out = new StringWriter();
    List<String> args =
        new java.util.ArrayList<>(
            List.of("evaluate", "--task", "detect", "--data", data.toString(), "--part", "val"));
    args.addAll(List.of(more));
    args.add("--json");
    assertThat(Cli.run(out, new StringWriter(), args.toArray(String[]::new))).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  /** A YOLO set (TXL-PBC's layout) whose first training field is val field 0 of the VOC set. */
  Path yoloSet(Path voc) throws Exception {
    Path root = dir.resolve("yolo");
    SmearGenerator generator = new SmearGenerator(33);
    for (String split : new String[] {"train", "val"}) {
      Files.createDirectories(root.resolve("images").resolve(split));
      Files.createDirectories(root.resolve("labels").resolve(split));
      for (int i = 0; i < 2; i++) {
        SmearField field =
            generator.field(generator.caseCells(1, 4, 0.2).get(0), SmearGenerator.Options.DEFAULT);
        BufferedImage image = field.image();
        if (split.equals("train") && i == 0) {
          // The VOC set's first val field, stretched to 416 x 416 like TXL-PBC's copies of BCCD.
          BufferedImage original = ImageIO.read(voc.resolve("JPEGImages/field_4.jpg").toFile());
          image = new BufferedImage(416, 416, BufferedImage.TYPE_INT_RGB);
          image.createGraphics().drawImage(original, 0, 0, 416, 416, null);
        }
        StringBuilder labels = new StringBuilder();
        for (SmearCell cell : field.cells()) {
          var b = cell.box();
          double w = field.image().getWidth();
          double h = field.image().getHeight();
          labels.append(
              String.format(
                  java.util.Locale.ROOT,
                  "0 %.5f %.5f %.5f %.5f%n",
                  b.getCenterX() / w,
                  b.getCenterY() / h,
                  b.width / w,
                  b.height / h));
        }
        ImageIO.write(image, "jpg", root.resolve("images/" + split + "/f" + i + ".jpg").toFile());
        Files.writeString(root.resolve("labels/" + split + "/f" + i + ".txt"), labels);
      }
    }
    return root;
  }

  @Test
  void trainsOnSeveralSetsAndSyntheticFieldsLeavingOutCopiesOfHeldOutFields() throws Exception {
    Path voc = vocSet();
    Path yolo = yoloSet(voc);
    Path model = dir.resolve("detector-mixed");
    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            new StringWriter(),
            err,
            "train",
            "--task",
            "detect",
            "--data",
            voc.toString(),
            "--data",
            yolo.toString(),
            "--synthetic",
            "3",
            "--real-cells",
            FrameCommandTest.singleCells(dir.resolve("cells"), 2).toString(),
            "--real-cell-fields",
            "2",
            "--real-cell-red-cell-px",
            "34",
            "--out",
            model.toString(),
            "--epochs",
            "1",
            "--cosine",
            "--batch",
            "2");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString())
        .contains(
            "4 training fields, 0 left out",
            "1 training fields, 1 left out as the same field as a held-out one",
            "synthetic: 3 training fields",
            // No shipped classifier holds out a test's images: the fields validating them are
            // drawn from the same images (another seed).
            "2 training fields of 4 images no shipped stage holds out;"
                + " validation fields of 4 of the same images",
            "train detect: 10 training fields");
    JsonNode validation =
        new ObjectMapper().readTree(model.resolve("training.json").toFile()).path("validation");
    assertThat(validation.path(DataSets.name(voc)).path("truths").asInt()).isEqualTo(10);
    assertThat(validation.path(DataSets.name(yolo)).path("truths").asInt()).isEqualTo(8);
    assertThat(validation.path("synthetic").path("truths").asInt()).isPositive();
    assertThat(validation.path("real-cells").path("truths").asInt()).isGreaterThanOrEqualTo(20);
    assertThat(
            new ObjectMapper()
                .readTree(model.resolve("training.json").toFile())
                .path("cosine")
                .asBoolean())
        .isTrue();
    // The real-cell validation fields are a VOC set evaluate reads, scored as in training.
    Path realCellVal = dir.resolve("detector-mixed-real-cell-val");
    JsonNode real =
        evaluateVal(realCellVal, "--model", model.toString()).path("bySource").elements().next();
    assertThat(real.path("truths").asInt())
        .isEqualTo(validation.path("real-cells").path("truths").asInt());
    assertThat(real.path("averagePrecision").asDouble())
        .isCloseTo(
            validation.path("real-cells").path("averagePrecision").asDouble(),
            org.assertj.core.data.Offset.offset(1e-9));
    // Without --model: the detector service's configured model.
    JsonNode defaults = evaluateVal(realCellVal);
    assertThat(defaults.path("model").asText())
        .isEqualTo("classpath:org/leukostream/models/default/detector");
    assertThat(defaults.path("bySource").elements().next().path("truths").asInt())
        .isEqualTo(real.path("truths").asInt());
    // The VOC set's red cells and the synthetic fields' (34 px of 640: 13.6 input px); the YOLO set
    // names no classes (no data.yaml), so its red cells are unknown.
    JsonNode scale =
        new ObjectMapper()
            .readTree(model.resolve("manifest.json").toFile())
            .path("micrometresPerInputPixel");
    assertThat(scale.path("min").asDouble()).isEqualTo(0.234);
    assertThat(scale.path("max").asDouble()).isEqualTo(0.552);
    assertThat(scale.path("source").asText()).contains("synthetic 13.6 px");
  }
}
