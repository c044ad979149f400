package org.leukostream.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;
import org.leukostream.cli.Main;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.OperatingPoint;
import org.leukostream.training.data.DataSets;

/**
 * {@code train} then {@code evaluate} on a tiny synthetic class-folder set laid out like Matek's
 * (BLA, LYT, and an EOS folder the blast task leaves out): a model directory, the split, the
 * history and pictures; a report of the held-out part.
 */
class TrainEvaluateCommandTest {
  @TempDir Path dir;

  Path dataSet() throws Exception {
    return dataSet("data", "BLA", "LYT", "EOS");
  }

  /** 20 images per folder; folders named like a blast (BLA, blast, all) hold the large nuclei. */
  Path dataSet(String name, String... folders) throws Exception {
    Random random = new Random(3);
    Path root = dir.resolve(name);
    for (String folder : folders) {
      Files.createDirectories(root.resolve(folder));
      for (int i = 0; i < 20; i++) {
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(230, 205, 215));
        g.fillRect(0, 0, 40, 40);
        boolean blast = folder.equals("BLA") || folder.equals("blast") || folder.equals("all");
        g.setColor(blast ? new Color(80, 30, 120) : new Color(120, 140, 220));
        int r = blast ? 14 + random.nextInt(3) : 7 + random.nextInt(3);
        g.fillOval(20 - r, 20 - r, 2 * r, 2 * r);
        g.dispose();
        ImageIO.write(
            image, "png", root.resolve(folder).resolve(folder + "_" + i + ".png").toFile());
      }
    }
    return root;
  }

  @Test
  void trainsThenEvaluatesTheHeldOutPart() throws Exception {
    Path data = dataSet();
    Path model = dir.resolve("model");
    StringWriter err = new StringWriter();
    var train = Main.commandLine();
    train.setErr(new PrintWriter(err, true));
    int exit =
        train.execute(
            "train",
            "--task",
            "blast",
            "--data",
            data.toString(),
            "--out",
            model.toString(),
            "--arch",
            "resnet50",
            "--epochs",
            "2",
            "--batch",
            "8",
            "--lr",
            "1e-3",
            "--max-steps-per-epoch",
            "3",
            "--select-by",
            "roc-auc");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString())
        .contains("2 classes [blast, normal], 32 training / 4 validation")
        .contains("epoch 2: mean loss", ", validation ROC AUC ");
    for (String file :
        new String[] {"manifest.json", "split.tsv", "training.json", "training.png"}) {
      assertThat(model.resolve(file)).exists();
    }

    StringWriter out = new StringWriter();
    var evaluate = Main.commandLine();
    evaluate.setOut(new PrintWriter(out, true));
    evaluate.setErr(new PrintWriter(new StringWriter(), true));
    exit =
        evaluate.execute(
            "evaluate",
            "--task",
            "blast",
            "--data",
            data.toString(),
            "--model",
            model.toString(),
            "--split",
            model.resolve("split.tsv").toString(),
            "--part",
            "test",
            "--out",
            dir.resolve("report").toString(),
            "--json");
    assertThat(exit).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("images").asInt()).isEqualTo(4); // 10% of 2 x 20, never trained on
    long[][] confusion = new ObjectMapper().treeToValue(json.path("confusion"), long[][].class);
    long right = confusion[0][0] + confusion[1][1];
    assertThat(json.path("accuracy").asDouble()).isEqualTo(right / 4.0);
    for (String file :
        new String[] {"report.json", "report.md", "confusion-matrix.png", "roc.png", "pr.png"}) {
      assertThat(dir.resolve("report").resolve(file)).exists();
    }
    assertThat(json.path("task").asText()).isEqualTo("blast");
    assertThat(json.path("perClass").findValuesAsText("class"))
        .containsExactlyInAnyOrder("blast", "normal");
    JsonNode report = new ObjectMapper().readTree(dir.resolve("report/report.json").toFile());
    assertThat(report.path("images").asInt()).isEqualTo(4);
    assertThat(report.path("split").asText()).endsWith("part test");
    assertThat(Files.readString(dir.resolve("report/report.md")))
        .contains("- task: blast")
        .contains("- images: every data set");
    // One row per held-out image: where it is, its truth, the prediction and the probabilities,
    // agreeing with the confusion matrix.
    List<String> rows = Files.readAllLines(dir.resolve("report/predictions.csv"));
    assertThat(rows.get(0)).isEqualTo("path,dataset,true_class,predicted_class,p_blast,p_normal");
    assertThat(rows).hasSize(1 + 4);
    int agree = 0;
    for (String row : rows.subList(1, rows.size())) {
      String[] cells = row.split(",");
      assertThat(cells).hasSize(6);
      assertThat(cells[0]).matches("(BLA|LYT)/\\w+\\.png");
      assertThat(cells[2]).isEqualTo(cells[0].startsWith("BLA") ? "blast" : "normal");
      double blast = Double.parseDouble(cells[4]);
      double normal = Double.parseDouble(cells[5]);
      assertThat(blast + normal).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
      assertThat(cells[3]).isEqualTo(blast > normal ? "blast" : "normal");
      agree += cells[2].equals(cells[3]) ? 1 : 0;
    }
    assertThat(agree).isEqualTo(right);

    var missing = Main.commandLine();
    missing.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(
            missing.execute(
                "evaluate",
                "--task",
                "blast",
                "--data",
                data.toString(),
                "--model",
                model.toString(),
                "--split",
                dir.resolve("none.tsv").toString()))
        .isNotZero();
  }

  int run(StringWriter out, StringWriter err, String... args) {
    return Cli.run(out, err, args);
  }

  @Test
  void trainsOnSeveralSetsWithSyntheticCellsResumesTransfersAndEvaluatesEachSet() throws Exception {
    Path matek = dataSet("matek", "BLA", "LYT");
    Path cnmc = dataSet("cnmc", "all", "hem");
    Path model = dir.resolve("model");
    String[] common = {
      "--task",
      "blast",
      "--data",
      matek.toString(),
      "--data",
      cnmc.toString(),
      "--synthetic",
      "10",
      "--synthetic-dir",
      dir.resolve("synthetic").toString(),
      "--batch",
      "8"
    };
    String[] training = {"--lr", "1e-3", "--max-steps-per-epoch", "2", "--cosine"};
    StringWriter err = new StringWriter();
    int exit =
        run(
            new StringWriter(),
            err,
            concat(common, "train", training, "--out", model.toString(), "--epochs", "1"));
    assertThat(exit).as(err.toString()).isZero();
    // 2 x 40 real + 20 synthetic (blast, lymphocyte) images, 80% for training
    assertThat(err.toString()).contains("2 classes [blast, normal], 80 training / 10 validation");
    assertThat(dir.resolve("synthetic/blast")).isDirectory();

    // Interrupted after one epoch of two: --resume trains the second only.
    err = new StringWriter();
    exit =
        run(
            new StringWriter(),
            err,
            concat(
                common, "train", training, "--out", model.toString(), "--epochs", "2", "--resume"));
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).contains("resuming after epoch 1 of 2").doesNotContain("epoch 1/2");
    JsonNode history = new ObjectMapper().readTree(model.resolve("training.json").toFile());
    assertThat(history.path("epochs").size()).isEqualTo(2);
    assertThat(history.path("resumedAfterEpoch").asInt()).isEqualTo(1);

    // Transfer: the backbone of this model, frozen for one epoch, into a fresh one.
    err = new StringWriter();
    exit =
        run(
            new StringWriter(),
            err,
            concat(
                common,
                "train",
                training,
                "--out",
                dir.resolve("transferred").toString(),
                "--epochs",
                "1",
                "--init",
                model.toString(),
                "--freeze-epochs",
                "1",
                "--split",
                model.resolve("split.tsv").toString(),
                "--select-by",
                "balanced-accuracy"));
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString())
        .contains("starting from the weights of", "1 epochs frozen")
        .contains("epoch 1: mean loss", ", validation balanced accuracy ");
    // Trained on the first model's split, and carrying a copy of it.
    assertThat(dir.resolve("transferred/split.tsv"))
        .hasSameTextualContentAs(model.resolve("split.tsv"));

    StringWriter out = new StringWriter();
    exit =
        run(
            out,
            new StringWriter(),
            concat(
                common,
                "evaluate",
                new String[0],
                "--model",
                model.toString(),
                "--split",
                model.resolve("split.tsv").toString(),
                "--out",
                dir.resolve("report").toString(),
                "--json"));
    assertThat(exit).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    JsonNode bySource = json.path("bySource");
    int parts = 0;
    for (String source : new String[] {DataSets.name(matek), DataSets.name(cnmc), "synthetic"}) {
      parts += bySource.path(source).path("images").asInt();
    }
    assertThat(parts).isEqualTo(json.path("images").asInt()).isEqualTo(10);
    assertThat(bySource.size()).as("sets with test images").isGreaterThan(1);
    bySource
        .fieldNames()
        .forEachRemaining(
            source ->
                assertThat(dir.resolve("report").resolve(source).resolve("report.md")).exists());
  }

  @Test
  void syntheticCellsForSomeClassesOnlyAreRefused() throws Exception {
    Path data = dataSet("pbc-like", "lymphocyte", "promyelocyte");
    StringWriter err = new StringWriter();
    int exit =
        run(
            new StringWriter(),
            err,
            "train",
            "--task",
            "wbc",
            "--data",
            data.toString(),
            "--synthetic",
            "2",
            "--synthetic-dir",
            dir.resolve("synthetic").toString(),
            "--out",
            dir.resolve("model").toString());
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("Synthetic cells cover", "[promyelocyte]");
    assertThat(dir.resolve("model/manifest.json")).doesNotExist();
  }

  /**
   * {@code --input-size} trains a convolutional preset at another side: the manifest records it,
   * the model loads (a forward pass at that side) and evaluates; a ViT, fixed to its side, is
   * refused before any image is read.
   */
  @Test
  void trainsAConvolutionalPresetAtAnotherInputSide() throws Exception {
    Path data = dataSet();
    Path model = dir.resolve("model-96");
    StringWriter err = new StringWriter();
    int exit =
        run(
            new StringWriter(),
            err,
            "train",
            "--task",
            "blast",
            "--data",
            data.toString(),
            "--out",
            model.toString(),
            "--arch",
            "efficientnet_b0",
            "--input-size",
            "96",
            "--epochs",
            "1",
            "--batch",
            "8",
            "--max-steps-per-epoch",
            "2");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).contains("training images at 96 px");
    assertThat(ModelStore.readManifest(model).inputSize()).isEqualTo(96);
    assertThat(ModelStore.readManifest(model).preset()).isEqualTo("small");
    StringWriter out = new StringWriter();
    exit =
        run(
            out,
            new StringWriter(),
            "evaluate",
            "--task",
            "blast",
            "--data",
            data.toString(),
            "--model",
            model.toString(),
            "--split",
            model.resolve("split.tsv").toString(),
            "--part",
            "test",
            "--json");
    assertThat(exit).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).path("images").asInt()).isEqualTo(4);

    StringWriter refused = new StringWriter();
    exit =
        run(
            new StringWriter(),
            refused,
            "train",
            "--task",
            "blast",
            "--data",
            data.toString(),
            "--out",
            dir.resolve("vit-96").toString(),
            "--arch",
            "vit",
            "--input-size",
            "96");
    assertThat(exit).isEqualTo(2);
    assertThat(refused.toString()).contains("--input-size: vit/small takes 64 px inputs only");
    assertThat(dir.resolve("vit-96")).doesNotExist();
  }

  @Test
  void anUnknownSelectionRuleIsRefused() {
    StringWriter err = new StringWriter();
    int exit =
        run(
            new StringWriter(),
            err,
            "train",
            "--task",
            "blast",
            "--data",
            dir.toString(),
            "--out",
            dir.resolve("model").toString(),
            "--select-by",
            "loss");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--select-by is accuracy, balanced-accuracy or roc-auc");
    assertThat(dir.resolve("model/manifest.json")).doesNotExist();
  }

  /**
   * Without --model, evaluate takes the task's stage as the classifier service configures it (the
   * shipped ensemble B); a class folder it does not know is refused in one line before any image
   * goes through a model.
   */
  @Test
  void evaluatingTheConfiguredStageRefusesAClassItDoesNotKnowBeforeInference() throws Exception {
    Path data = dataSet("odd", "lymphocyte", "martian_cell");
    StringWriter err = new StringWriter();
    int exit = run(new StringWriter(), err, "evaluate", "--task", "wbc", "--data", data.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("the configured wbc stage", "wbc-resnext101")
        .contains("classes the model does not know: [martian_cell]", "--alias FOLDER=CLASS")
        .doesNotContain("evaluated ");
  }

  /**
   * The aliases a model was trained with travel in its manifest: evaluating it on the same folders
   * needs no --alias (MON is not a class of the blast task without one), and the report reads MON
   * as normal, as training did.
   */
  @Test
  void evaluationReadsTheFoldersWithTheAliasesTheModelWasTrainedWith() throws Exception {
    Path data = dataSet("hard-negatives", "BLA", "LYT", "MON");
    Path model = dir.resolve("aliased");
    StringWriter err = new StringWriter();
    int exit =
        run(
            new StringWriter(),
            err,
            "train",
            "--task",
            "blast",
            "--data",
            data.toString(),
            "--alias",
            "MON=normal",
            "--out",
            model.toString(),
            "--epochs",
            "1",
            "--batch",
            "8",
            "--max-steps-per-epoch",
            "1");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).contains("48 training");
    JsonNode manifest = new ObjectMapper().readTree(model.resolve("manifest.json").toFile());
    assertThat(manifest.path("aliases").path("MON").asText()).isEqualTo("normal");

    StringWriter out = new StringWriter();
    err = new StringWriter();
    exit =
        run(
            out,
            err,
            "evaluate",
            "--task",
            "blast",
            "--data",
            data.toString(),
            "--model",
            model.toString(),
            "--max-false-blast-rate",
            "0.1",
            "--json");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString())
        .contains("aliases the model was trained with: {MON=normal}", "operating point:");
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("images").asInt()).isEqualTo(60); // BLA 20 + LYT 20 + MON 20
    long[][] confusion = new ObjectMapper().treeToValue(json.path("confusion"), long[][].class);
    assertThat(confusion[1][0] + confusion[1][1]).as("normal row: LYT and MON").isEqualTo(40);
    // The operating point: at most 4 of the 40 non-blasts called blast at its threshold.
    JsonNode point = json.path("operatingPoint");
    assertThat(point.path("negatives").asLong()).isEqualTo(40);
    assertThat(point.path("positives").asLong()).isEqualTo(20);
    assertThat(point.path("falsePositiveRate").asDouble()).isLessThanOrEqualTo(0.1);
    assertThat(point.path("threshold").asDouble()).isBetween(0.0, 1.0);

    // Recorded in the manifest for this model alone; the classifier would put it on its labels.
    String[] recording = {
      "evaluate",
      "--task",
      "blast",
      "--data",
      data.toString(),
      "--model",
      model.toString(),
      "--max-false-blast-rate",
      "0.1",
      "--record-operating-point"
    };
    err = new StringWriter();
    exit = run(new StringWriter(), err, recording);
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).contains("operating point recorded in " + model);
    OperatingPoint recorded = ModelStore.readManifest(model).operatingPoint();
    assertThat(recorded.threshold()).isEqualTo(point.path("threshold").asDouble());
    assertThat(recorded.falsePositiveRate()).isEqualTo(point.path("falsePositiveRate").asDouble());
    assertThat(recorded.maxFalsePositiveRate()).isEqualTo(0.1);
    assertThat(recorded.ensemble())
        .containsOnlyKeys(manifest.path("name").asText() + ":" + manifest.path("version").asText());
    try (Ensemble again = Ensemble.load("blast", Map.of(model.toString(), 1.0), Device.cpu(), 8)) {
      assertThat(again.operatingPoint()).contains(recorded);
    }
    // Not with test-time augmentation (the service computes without), nor for shipped models.
    err = new StringWriter();
    exit =
        run(
            new StringWriter(),
            err,
            java.util.stream.Stream.concat(
                    java.util.Arrays.stream(recording),
                    java.util.stream.Stream.of("--tta", "flips"))
                .toArray(String[]::new));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("drop --tta");
  }

  static String[] concat(String[] common, String command, String[] options, String... more) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(List.of(common));
    all.addAll(List.of(options));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
