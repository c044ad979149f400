package org.leukostream.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
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
import org.leukostream.models.data.DetectionData;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.DetectorTraining;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.eval.DetectionMetrics;
import org.leukostream.models.eval.Plots;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;

/**
 * {@code train --task detect}: the WBC detector on a Pascal VOC (BCCD) or YOLO (TXL-PBC) data set:
 * focal loss, Adam, random flips, on the {@code train} set; AP@0.5 and recall on the {@code val}
 * set (and a VOC {@code test} set) it never trained on, written beside the model with the loss
 * curve.
 */
final class DetectorTrainer {
  private DetectorTrainer() {}

  static int train(
      Path data,
      Path out,
      String preset,
      int epochs,
      int batch,
      float learningRate,
      long seed,
      String name,
      String version,
      PrintWriter err)
      throws IOException {
    Architecture architecture =
        Architecture.find("retinanet_resnet50_fpn", preset)
            .orElseThrow(() -> new IllegalArgumentException("No detector preset " + preset));
    List<DetectionData.Field> training = fields(data, "train");
    List<DetectionData.Field> validation = fields(data, "val");
    List<ModelClass> classes = List.of(new ModelClass("wbc", ClassRole.COUNTED));
    ModelManifest manifest =
        ModelManifest.of(name == null ? "wbc-detector" : name, architecture, version, classes);
    List<DetectorTraining.Sample> samples = new ArrayList<>();
    for (DetectionData.Field field : training) {
      List<DetectorTraining.Box> boxes = new ArrayList<>();
      field
          .boxes()
          .forEach(
              b -> boxes.add(new DetectorTraining.Box(b.x(), b.y(), b.width(), b.height(), 0)));
      samples.add(new DetectorTraining.Sample(ImageIO.read(field.image().toFile()), boxes));
    }
    int steps = Math.max(1, epochs * ((samples.size() + batch - 1) / batch));
    err.printf(
        "train detect: %d training / %d validation fields from %s, %d steps of %d fields%n",
        training.size(), validation.size(), data, steps, batch);
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    List<Float> losses;
    try (Model model = architecture.newModel(manifest.name(), classes.size())) {
      losses =
          DetectorTraining.train(
              model,
              architecture,
              manifest,
              samples,
              new DetectorTraining.Options(steps, batch, learningRate, seed),
              step -> {
                if (step.step() % 10 == 0 || step.step() == step.steps()) {
                  double done = step.step() / (double) step.steps();
                  err.printf(
                      "\rstep %d/%d loss %.4f  %.0f s, about %.0f s left   ",
                      step.step(),
                      step.steps(),
                      step.loss(),
                      step.seconds(),
                      step.seconds() / done * (1 - done));
                  err.flush();
                }
              });
      ModelStore.save(out, manifest, model);
    }
    err.println();
    DetectionMetrics.Result result = validate(out, validation);
    err.printf(
        "validation (%d fields): AP@0.5 %.4f, recall %.4f of %d white cells%n",
        validation.size(), result.averagePrecision(), result.recall(), result.truths());
    DetectionMetrics.Result test = null;
    if (Files.exists(data.resolve("ImageSets").resolve("Main").resolve("test.txt"))) {
      List<DetectionData.Field> held = fields(data, "test");
      test = validate(out, held);
      err.printf(
          "test (%d fields): AP@0.5 %.4f, recall %.4f of %d white cells%n",
          held.size(), test.averagePrecision(), test.recall(), test.truths());
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("task", "detect");
    report.put("data", data.toString());
    report.put("steps", steps);
    report.put("batch", batch);
    report.put("learningRate", learningRate);
    report.put("validation", result);
    report.put("test", test);
    report.put("losses", losses);
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

  /** AP@0.5 over every box scoring at least 0.05 on fields never trained on. */
  static DetectionMetrics.Result validate(Path model, List<DetectionData.Field> fields)
      throws IOException {
    try (StoredModel stored = ModelStore.load(model);
        WbcDetector detector = new WbcDetector(stored, new DetectorSettings(0.05, 0.5, 300, 4))) {
      return DetectionMetrics.evaluate(detector, fields, 0.5);
    } catch (ai.djl.translate.TranslateException e) {
      throw new IOException("Detector failed on a validation field: " + e.getMessage(), e);
    }
  }

  /** VOC when the root has {@code Annotations/}, YOLO when it has {@code labels/}. */
  static List<DetectionData.Field> fields(Path root, String split) {
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
