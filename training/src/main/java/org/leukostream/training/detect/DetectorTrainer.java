package org.leukostream.training.detect;

import ai.djl.Model;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.ScaleRange;
import org.leukostream.models.store.StoredModel;
import org.leukostream.synthetic.smear.CellImage;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.data.DataSets;
import org.leukostream.training.data.DetectionData;
import org.leukostream.training.data.HeldOut;
import org.leukostream.training.data.NearDuplicates;
import org.leukostream.training.data.RealCells;
import org.leukostream.training.data.SyntheticCells;
import org.leukostream.training.eval.DetectionMetrics;
import org.leukostream.training.eval.Plots;
import org.leukostream.training.train.NonFiniteGuard;
import org.leukostream.training.train.Progress;

/**
 * {@code train --task detect}: the WBC detector on Pascal VOC (BCCD) and YOLO (TXL-PBC) data sets
 * together, optionally with synthetic fields: focal loss, Adam, random flips, on every set's {@code
 * train} part; AP@0.5 and recall on each set's {@code val} part (and a VOC {@code test} part) it
 * never trained on, written beside the model with the loss curve. A training field that is the same
 * field as any held-out one (TXL-PBC re-annotates BCCD's fields) is left out, so no test field was
 * seen in training under another name.
 */
public final class DetectorTrainer {
  private DetectorTrainer() {}

  /**
   * The detection data sets trained on together.
   *
   * @param roots Pascal VOC or YOLO sets, each with {@code train} and {@code val} parts
   * @param synthetic synthetic fields added to training (0: none); a tenth more validate them
   * @param syntheticSeed their seed
   * @param description the sets as the report names them
   */
  public record Sets(List<Path> roots, int synthetic, long syntheticSeed, String description) {}

  /**
   * Fields of real single-cell images (a class-folder set such as Matek's) placed on synthetic
   * fields as {@code demo --data} places them: trained on images no shipped classifier stage holds
   * out, validated on fields of another seed drawn from the images they hold out.
   *
   * @param folder the class-folder set
   * @param aliases its folder names to classes over the built-in ones
   * @param stages the shipped classifier stages' held-out lists, by stage: images they hold out
   *     only validate
   * @param fields training fields (validation: a tenth, at least 10)
   * @param cellFraction share of an image's width its cell spans
   * @param redCellPixels a red cell's diameter in the images
   */
  public record RealCellFields(
      Path folder,
      Map<String, String> aliases,
      Map<String, HeldOut> stages,
      int fields,
      double cellFraction,
      double redCellPixels) {
    public static final RealCellFields NONE =
        new RealCellFields(null, Map.of(), Map.of(), 0, 0.6, 90);
  }

  /**
   * Trains, saves the model to {@code out} with {@code training.json} (the validation and test
   * results) and {@code training.png} (the loss curve) beside it.
   *
   * @return 0
   */
  public static int train(
      Sets data,
      Path out,
      String preset,
      int epochs,
      int batch,
      float learningRate,
      long seed,
      NonFiniteGuard.Policy nonFinite,
      boolean cosine,
      String name,
      String version,
      RealCellFields realCells,
      PrintWriter err)
      throws IOException {
    Architecture architecture =
        Architecture.find("retinanet_resnet50_fpn", preset)
            .orElseThrow(() -> new IllegalArgumentException("No detector preset " + preset));
    // Held out: every set's val (and a VOC test) part, plus synthetic fields of another seed.
    Map<String, List<DetectionData.Field>> validation = new LinkedHashMap<>();
    Map<String, List<DetectionData.Field>> test = new LinkedHashMap<>();
    for (Path root : data.roots()) {
      validation.put(DataSets.name(root), fields(root, "val"));
      if (Files.exists(root.resolve("ImageSets").resolve("Main").resolve("test.txt"))) {
        test.put(DataSets.name(root), fields(root, "test"));
      }
    }
    List<Long> heldOut = new ArrayList<>();
    for (List<DetectionData.Field> part :
        List.of(validation, test).stream().flatMap(m -> m.values().stream()).toList()) {
      for (DetectionData.Field field : part) {
        heldOut.add(NearDuplicates.fingerprint(ImageIO.read(field.image().toFile())));
      }
    }
    List<DetectorTraining.Sample> samples = new ArrayList<>();
    for (Path root : data.roots()) {
      int dropped = 0;
      List<DetectionData.Field> training = fields(root, "train");
      for (DetectionData.Field field : training) {
        BufferedImage image = ImageIO.read(field.image().toFile());
        if (NearDuplicates.matchesAny(NearDuplicates.fingerprint(image), heldOut)) {
          dropped++; // the same field as a held-out one of this or another set
          continue;
        }
        List<DetectorTraining.Box> boxes = new ArrayList<>();
        field
            .boxes()
            .forEach(
                b -> boxes.add(new DetectorTraining.Box(b.x(), b.y(), b.width(), b.height(), 0)));
        samples.add(new DetectorTraining.Sample(image, boxes));
      }
      err.printf(
          "%s: %d training fields, %d left out as the same field as a held-out one%n",
          root, training.size() - dropped, dropped);
    }
    if (data.synthetic() > 0) {
      List<SmearField> synthetic = SyntheticCells.fields(data.synthetic(), data.syntheticSeed());
      Path held =
          addDrawn(
              "synthetic",
              "-synthetic-val",
              synthetic,
              SyntheticCells.fields(Math.max(10, data.synthetic() / 10), data.syntheticSeed() + 1),
              out,
              samples,
              validation);
      err.printf(
          "synthetic: %d training fields, validation fields in %s%n", synthetic.size(), held);
    }
    if (realCells.fields() > 0) {
      RealCells.Partition pools =
          RealCells.partition(
              realCells.folder(),
              realCells.aliases(),
              realCells.stages(),
              realCells.cellFraction());
      double scale = SmearGenerator.Options.DEFAULT.redCellDiameter() / realCells.redCellPixels();
      boolean noneHeldOut = pools.heldOut().isEmpty();
      List<CellImage> validating = noneHeldOut ? pools.free() : pools.heldOut();
      List<SmearField> real =
          SyntheticCells.realCellFields(
              pools.free(), realCells.fields(), data.syntheticSeed() + 2, scale);
      Path held =
          addDrawn(
              "real-cells",
              "-real-cell-val",
              real,
              SyntheticCells.realCellFields(
                  validating,
                  Math.max(10, realCells.fields() / 10),
                  data.syntheticSeed() + 3,
                  scale),
              out,
              samples,
              validation);
      err.printf(
          "real cells of %s: %d training fields of %d images no shipped stage holds out;"
              + " validation fields of %d %s in %s%n",
          realCells.folder(),
          real.size(),
          pools.free().size(),
          validating.size(),
          noneHeldOut ? "of the same images (none is held out)" : "held-out images",
          held);
    }
    List<ModelClass> classes = List.of(new ModelClass("wbc", ClassRole.COUNTED));
    ScaleRange scale = trainedScale(data, architecture.inputSize());
    err.printf(
        "scale: %s%n",
        scale == null
            ? "no red cells annotated: the model records no trained scale"
            : String.format(
                java.util.Locale.ROOT,
                "%.3f-%.3f um per input pixel (%s)",
                scale.min(),
                scale.max(),
                scale.source()));
    ModelManifest manifest =
        ModelManifest.of(name == null ? "wbc-detector" : name, architecture, version, classes)
            .withScale(scale);
    int steps = Math.max(1, epochs * ((samples.size() + batch - 1) / batch));
    err.printf(
        "train detect: %d training fields from %s, %d steps of %d fields%n",
        samples.size(), data.description(), steps, batch);
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    List<Float> losses;
    try (Model model = architecture.newModel(manifest.name(), classes.size())) {
      losses =
          DetectorTraining.train(
              model,
              architecture,
              manifest,
              samples,
              new DetectorTraining.Options(steps, batch, learningRate, seed, nonFinite, cosine),
              step ->
                  Progress.step(
                      err,
                      step.step(),
                      step.steps(),
                      "step " + step.step() + "/" + step.steps(),
                      step.step() / (double) step.steps(),
                      step.loss(),
                      step.seconds()));
      ModelStore.save(out, manifest, model);
    }
    Progress.end(err);
    Map<String, DetectionMetrics.Result> validated = new LinkedHashMap<>();
    Map<String, DetectionMetrics.Result> tested = new LinkedHashMap<>();
    for (var part : List.of(Map.entry("validation", validation), Map.entry("test", test))) {
      for (var set : part.getValue().entrySet()) {
        DetectionMetrics.Result result = validate(out, set.getValue());
        (part.getKey().equals("test") ? tested : validated).put(set.getKey(), result);
        err.printf(
            "%s %s (%d fields): AP@0.5 %.4f, recall %.4f of %d white cells;"
                + " at score >= %.2f recall %.4f, precision %.4f%n",
            part.getKey(),
            set.getKey(),
            set.getValue().size(),
            result.averagePrecision(),
            result.recall(),
            result.truths(),
            result.threshold(),
            result.recallAtThreshold(),
            result.precisionAtThreshold());
      }
    }
    TrainingReport report =
        new TrainingReport(
            "detect",
            data.description(),
            realCells.fields() > 0
                ? new RealCellReport(
                    realCells.folder().toString(),
                    realCells.fields(),
                    realCells.cellFraction(),
                    realCells.redCellPixels())
                : null,
            samples.size(),
            steps,
            batch,
            learningRate,
            cosine,
            validated,
            tested,
            losses);
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(out.resolve("training.json").toFile(), report);
    double[] x = new double[losses.size()];
    double[] y = new double[losses.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
      y[i] = losses.get(i);
    }
    Plots.lines(
        manifest.name() + ": focal loss per step",
        "step",
        "loss",
        List.of(new Plots.Series("loss", x, y)),
        false,
        out.resolve("training.png"));
    return 0;
  }

  /**
   * {@code training.json} of a detector.
   *
   * @param realCells the real-cell fields trained on, left out without them
   * @param validation AP@0.5 and recall per validation set
   * @param test the same per VOC test part
   * @param losses the focal loss of every step
   */
  public record TrainingReport(
      String task,
      String data,
      @JsonInclude(JsonInclude.Include.NON_NULL) RealCellReport realCells,
      int trainingFields,
      int steps,
      int batch,
      float learningRate,
      boolean cosine,
      Map<String, DetectionMetrics.Result> validation,
      Map<String, DetectionMetrics.Result> test,
      List<Float> losses) {}

  /** The real-cell fields of a training run, in its report. */
  public record RealCellReport(
      String folder, int fields, double cellFraction, double redCellPixels) {}

  /**
   * Adds drawn {@code training} fields to {@code samples}, and writes {@code held} as the VOC set
   * beside the model (its folder name plus {@code suffix}) that validates them as {@code name}.
   *
   * @return the validation set's folder
   */
  private static Path addDrawn(
      String name,
      String suffix,
      List<SmearField> training,
      List<SmearField> held,
      Path out,
      List<DetectorTraining.Sample> samples,
      Map<String, List<DetectionData.Field>> validation)
      throws IOException {
    for (SmearField field : training) {
      samples.add(new DetectorTraining.Sample(field.image(), boxes(field)));
    }
    Path dir = out.resolveSibling(out.getFileName() + suffix);
    validation.put(name, SyntheticCells.writeVoc(dir, held));
    return dir;
  }

  /** The white cells of a drawn field as training boxes. */
  private static List<DetectorTraining.Box> boxes(SmearField field) {
    return field.cells().stream()
        .map(c -> new DetectorTraining.Box(c.box().x, c.box().y, c.box().width, c.box().height, 0))
        .toList();
  }

  /** AP@0.5 over every box scoring at least 0.05 on fields never trained on. */
  public static DetectionMetrics.Result validate(Path model, List<DetectionData.Field> fields)
      throws IOException {
    return validate(model.toString(), fields, DetectionMetrics.OPERATING_THRESHOLD, 1);
  }

  /**
   * As above, recall and precision counted at {@code threshold}, with boxes mostly inside a better
   * one dropped above {@code containment} (1: IoU suppression only).
   */
  public static DetectionMetrics.Result validate(
      String model, List<DetectionData.Field> fields, double threshold, double containment)
      throws IOException {
    try (StoredModel stored = ModelStore.load(model, ai.djl.Device.cpu());
        WbcDetector detector =
            new WbcDetector(stored, new DetectorSettings(0.05, 0.5, containment, 300, 4))) {
      return DetectionMetrics.evaluate(detector, fields, 0.5, threshold);
    } catch (ai.djl.translate.TranslateException e) {
      throw new IOException("Detector failed on a validation field: " + e.getMessage(), e);
    }
  }

  /**
   * The scales the training fields show, from each set's annotated red cells (VOC {@code RBC}, YOLO
   * the class its {@code data.yaml} names {@code RBC}) and the synthetic fields' known red cell;
   * null when no set has any.
   */
  private static ScaleRange trainedScale(Sets data, int side) {
    Map<String, Double> medians = new LinkedHashMap<>();
    for (Path root : data.roots()) {
      RedCellScale.medianInputDiameter(redCells(root, "train"), side)
          .ifPresent(d -> medians.put(DataSets.name(root), d));
    }
    if (data.synthetic() > 0) {
      SmearGenerator.Options drawn = SmearGenerator.Options.DEFAULT;
      medians.put(
          "synthetic",
          drawn.redCellDiameter() * (double) side / Math.max(drawn.width(), drawn.height()));
    }
    return RedCellScale.range(medians);
  }

  /** The red-cell boxes of a set's part; none where the set does not annotate them. */
  public static List<DetectionData.Field> redCells(Path root, String split) {
    if (Files.isDirectory(root.resolve("Annotations"))) {
      return DetectionData.pascalVoc(root, split, Set.of("RBC"));
    }
    Path yaml = root.resolve("data.yaml");
    if (Files.isDirectory(root.resolve("labels")) && Files.isRegularFile(yaml)) {
      try {
        for (String line : Files.readAllLines(yaml)) {
          if (line.strip().startsWith("names:")) {
            List<String> names =
                java.util.Arrays.stream(
                        line.substring(line.indexOf(':') + 1)
                            .replaceAll("[\\[\\]'\"]", "")
                            .split(","))
                    .map(String::strip)
                    .toList();
            int rbc = names.indexOf("RBC");
            return rbc < 0 ? List.of() : DetectionData.yolo(root, split, Set.of(rbc));
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("Cannot read " + yaml, e);
      }
    }
    return List.of();
  }

  /** VOC when the root has {@code Annotations/}, YOLO when it has {@code labels/}. */
  public static List<DetectionData.Field> fields(Path root, String split) {
    if (Files.isDirectory(root.resolve("Annotations"))) {
      return DetectionData.pascalVoc(root, split, Set.of("WBC"));
    }
    if (Files.isDirectory(root.resolve("labels"))) {
      return DetectionData.yolo(root, split, Set.of(0));
    }
    throw new IllegalArgumentException(
        root + " is neither Pascal VOC (Annotations/) nor YOLO (labels/)");
  }
}
