package org.leukostream.cli.evaluate;

import ai.djl.Device;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.cli.JsonLines;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.cli.train.DataOptions;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.inference.TestTimeAugmentation;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.OperatingPoint;
import org.leukostream.training.data.DataSets;
import org.leukostream.training.data.DetectionData;
import org.leukostream.training.data.LabelledImage;
import org.leukostream.training.data.Split;
import org.leukostream.training.detect.DetectorTrainer;
import org.leukostream.training.eval.ClassifierEvaluation;
import org.leukostream.training.eval.DetectionMetrics;
import org.leukostream.training.eval.Plots;
import org.leukostream.training.eval.RankingMetrics;
import org.leukostream.training.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream evaluate}: a classifier (or an ensemble of model directories with weights) on
 * a class-folder data set, or on one part of a stored split; metrics as JSON and Markdown with the
 * confusion matrix, ROC and PR curves as PNG.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Accuracy, per-class precision/recall/F1, macro and weighted F1, confusion matrix, ROC AUC"
            + " and average precision of a classifier on class folders (tasks countable, wbc, blast).")
public final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--task",
      required = true,
      description = "countable, wbc, blast, or detect (Pascal VOC / YOLO data).")
  String task;

  @Mixin DataOptions data;

  @Option(
      names = "--model",
      split = ",",
      description =
          "Model directory, or DIR=WEIGHT,DIR=WEIGHT for an ensemble (default: the task's stage"
              + " as the classifier service configures it, shipped models and weights).")
  List<String> models;

  @Option(names = "--split", description = "Split file (TSV) of the training run; with --part.")
  Path splitFile;

  @Option(
      names = "--part",
      defaultValue = "test",
      description = "Part of the split (default test).")
  String part;

  @Option(
      names = "--out",
      description =
          "Directory for report.json, report.md, the PNGs and (classifier tasks) predictions.csv:"
              + " one row per image with its true and predicted class and every class's"
              + " probability.")
  Path out;

  @Option(names = "--batch", defaultValue = "32", description = "Images per forward pass.")
  int batch;

  @Option(
      names = "--threshold",
      defaultValue = "0.5",
      description = "Detector score at which recall and precision are counted (default 0.5).")
  double threshold;

  @Option(
      names = "--containment",
      defaultValue = "1",
      description =
          "Detector: drop a box more than this share of which lies inside a better one (or that"
              + " holds that much of one), as the detector service's nms-containment; 1 (default):"
              + " IoU suppression only.")
  double containment;

  @Option(
      names = "--tta",
      defaultValue = "none",
      description =
          "Test-time augmentation: none (default), flips (4 views) or dihedral (8: flips and"
              + " quarter turns); each member's probabilities are the mean over the views.")
  String tta;

  @Option(
      names = "--max-false-blast-rate",
      description =
          "Also choose the blast-probability threshold at which at most this share of the"
              + " non-blast images is called blast (e.g. 0.02), and report the rates it gives"
              + " (operatingPoint); choose it on a validation part, check it on the test part.")
  Double maxFalseBlastRate;

  @Option(
      names = "--record-operating-point",
      description =
          "With --max-false-blast-rate, on a validation part: record the chosen threshold and its"
              + " rates in the manifests of the members (directories), for exactly this ensemble;"
              + " the classifier then puts the threshold on every label and the aggregator calls"
              + " blasts at it (rule.model-operating-point).")
  boolean recordOperatingPoint;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (task.equals("detect")) {
      return detect(err);
    }
    String refused = refuseRecording();
    if (refused != null) {
      err.printf("evaluate: %s%n", refused);
      return 2;
    }
    Map<String, Double> members = new LinkedHashMap<>();
    if (models == null) {
      members.putAll(
          ClassifierModels.weights(ServiceConfigs.classifier(new Properties()).settings(), task)
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(), "No " + task + " stage configured")));
      err.printf("evaluate: the configured %s stage: %s%n", task, members);
    } else {
      for (String model : models) {
        int eq = model.lastIndexOf('=');
        members.put(
            eq < 0 ? model : model.substring(0, eq),
            eq < 0 ? 1.0 / models.size() : Double.parseDouble(model.substring(eq + 1)));
      }
    }
    if (data.aliases.isEmpty()) {
      Map<String, String> trainedWith = trainedAliases(members.keySet());
      if (!trainedWith.isEmpty()) {
        err.printf("evaluate: folder aliases the model was trained with: %s%n", trainedWith);
        data.aliases.putAll(trainedWith);
      }
    }
    DataOptions.Selection selection = data.select(task, err);
    List<LabelledImage> images = selection.images();
    if (splitFile != null) {
      Split split = Split.load(splitFile, selection.root(), images);
      images = split.part(images, part);
    }
    // Every data set on its own too, when there are several (real and synthetic apart).
    Map<String, Path> groups = new LinkedHashMap<>();
    groups.put("all", null);
    if (selection.sources().size() > 1) {
      groups.putAll(selection.sources());
    }
    List<LabelledImage> evaluated = images; // effectively final, for the per-set selection
    String splitName = splitFile == null ? "all images" : splitFile + " part " + part;
    ClassifierEvaluation.Summary overall = null;
    Map<String, ClassifierEvaluation.Summary> bySource = new LinkedHashMap<>();
    int total = images.size();
    ClassifierEvaluation.Result everything;
    Map<String, Double> identity;
    try (Ensemble ensemble =
        Ensemble.load(task, members, Device.cpu(), batch, TestTimeAugmentation.of(tta))) {
      java.util.Set<String> unknown = new java.util.TreeSet<>();
      images.forEach(i -> unknown.add(i.label()));
      unknown.removeAll(ensemble.classes());
      if (!unknown.isEmpty()) {
        err.printf(
            "evaluate: the data hold classes the model does not know: %s (its classes: %s);"
                + " map their folders with --alias FOLDER=CLASS%n",
            unknown, ensemble.classes());
        return 2;
      }
      identity = ensemble.identity();
      everything =
          ClassifierEvaluation.evaluate(
              ensemble,
              images,
              batch,
              done -> Progress.line(err, "evaluated " + done + "/" + total, done == total));
    }
    Progress.end(err);
    if (out != null) {
      ClassifierEvaluation.writePredictions(
          everything, images, selection.sources(), out.resolve("predictions.csv"));
    }
    for (Map.Entry<String, Path> group : groups.entrySet()) {
      Path root = group.getValue();
      ClassifierEvaluation.Result result =
          root == null
              ? everything
              : ClassifierEvaluation.subset(
                  everything, i -> evaluated.get(i).file().startsWith(root));
      if (root != null && result.metrics().total() == 0) {
        continue; // no held-out image of this data set
      }
      boolean all = group.getKey().equals("all");
      if (out != null) {
        Path dir = all ? out : out.resolve(group.getKey());
        ClassifierEvaluation.write(
            result,
            task + " on " + group.getKey(),
            new Context(
                task,
                data.describe(),
                splitName,
                members,
                tta,
                all ? "every data set" : group.getKey()),
            dir);
      }
      if (all) {
        overall = ClassifierEvaluation.summary(result);
      } else {
        bySource.put(group.getKey(), ClassifierEvaluation.summary(result));
      }
      if (!json) {
        spec.commandLine()
            .getOut()
            .printf(
                "%s (%s): %d images, accuracy %.4f, macro F1 %.4f, weighted F1 %.4f%n",
                task,
                group.getKey(),
                result.metrics().total(),
                result.metrics().accuracy(),
                result.metrics().macroF1(),
                result.metrics().weightedF1());
      }
    }
    RankingMetrics.OperatingPoint point = null;
    if (maxFalseBlastRate != null) {
      int blast = everything.metrics().classes().indexOf("blast");
      if (blast < 0) {
        err.printf("evaluate: --max-false-blast-rate needs a model with a blast class%n");
        return 2;
      }
      boolean[] positive = new boolean[everything.truth().length];
      for (int i = 0; i < positive.length; i++) {
        positive[i] = everything.truth()[i] == blast;
      }
      point =
          RankingMetrics.operatingPoint(everything.scores()[blast], positive, maxFalseBlastRate);
      err.printf(
          "operating point: blast probability >= %.4f calls %.1f%% of the %d non-blasts and"
              + " %.1f%% of the %d blasts (bound %.1f%%)%n",
          point.threshold(),
          100 * point.falsePositiveRate(),
          point.negatives(),
          100 * point.truePositiveRate(),
          point.positives(),
          100 * maxFalseBlastRate);
      if (recordOperatingPoint) {
        record(
            point, maxFalseBlastRate, members, identity, splitName + " of " + data.describe(), err);
      }
    }
    if (out != null) {
      err.printf("report written to %s%n", out);
    }
    if (json) {
      ObjectNode line =
          ClassifierEvaluation.merged(
              new Context(task, data.describe(), splitName, members, tta, null), overall);
      if (!bySource.isEmpty()) {
        line.set("bySource", JsonLines.tree(bySource));
      }
      if (point != null) {
        line.set("operatingPoint", JsonLines.tree(point));
      }
      JsonLines.write(spec.commandLine().getOut(), line);
    }
    return 0;
  }

  /** Why {@code --record-operating-point} cannot be honoured as asked, or null. */
  private String refuseRecording() {
    if (!recordOperatingPoint) {
      return null;
    }
    if (!task.equals("blast") || maxFalseBlastRate == null) {
      return "--record-operating-point needs --task blast and --max-false-blast-rate";
    }
    if (!tta.equals("none")) {
      return "--record-operating-point records what the classifier service computes, without"
          + " test-time augmentation: drop --tta";
    }
    if (models == null || models.stream().anyMatch(m -> m.startsWith(ModelStore.CLASSPATH))) {
      return "--record-operating-point writes into the members' manifests: name model"
          + " directories with --model (a shipped model is copied in with tools/ship-model.sh)";
    }
    return null;
  }

  /** Writes {@code point} into the manifest of every member with a weight. */
  private static void record(
      RankingMetrics.OperatingPoint point,
      double bound,
      Map<String, Double> members,
      Map<String, Double> identity,
      String measuredOn,
      PrintWriter err) {
    OperatingPoint stored =
        point.recorded(
            bound, measuredOn + ", " + java.time.LocalDate.now(java.time.ZoneOffset.UTC), identity);
    for (Map.Entry<String, Double> member : members.entrySet()) {
      if (member.getValue() > 0) {
        ModelStore.recordOperatingPoint(Path.of(member.getKey()), stored);
        err.printf("operating point recorded in %s/manifest.json%n", member.getKey());
      }
    }
  }

  /**
   * What a classifier evaluation measured, first in its reports.
   *
   * @param split the split file and part, or all images
   * @param models the members and their weights
   * @param images which data set the report covers (replaced by the image count in JSON)
   */
  record Context(
      String task,
      String data,
      String split,
      Map<String, Double> models,
      String testTimeAugmentation,
      @JsonInclude(JsonInclude.Include.NON_NULL) String images) {}

  /**
   * The folder aliases recorded in the manifests of the member directories ({@code classpath:}
   * models are read as shipped, with the built-in aliases); members that disagree are refused.
   */
  static Map<String, String> trainedAliases(java.util.Collection<String> locations) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String location : locations) {
      if (location.startsWith(ModelStore.CLASSPATH)) {
        continue;
      }
      ModelStore.readManifest(Path.of(location))
          .aliases()
          .forEach(
              (folder, label) -> {
                String earlier = out.putIfAbsent(folder, label);
                if (earlier != null && !earlier.equals(label)) {
                  throw new IllegalArgumentException(
                      "The members were trained with different aliases for "
                          + folder
                          + ": "
                          + earlier
                          + " and "
                          + label
                          + "; say which with --alias");
                }
              });
    }
    return out;
  }

  /**
   * {@code report.json} and the {@code --json} line of {@code --task detect}.
   *
   * @param containment boxes mostly inside a better one dropped above it (1: IoU only)
   * @param bySource the results per data set
   */
  record DetectionReport(
      String task,
      String model,
      String part,
      double containment,
      Map<String, DetectionMetrics.Result> bySource) {}

  /**
   * AP@0.5 (all-point) and recall / precision at the operating threshold of one detector model
   * directory on a detection set's {@code --part} ({@code test} for BCCD, {@code val} for TXL-PBC).
   */
  private int detect(PrintWriter err) throws Exception {
    if (models != null && models.size() != 1) {
      throw new ParameterException(
          spec.commandLine(), "--task detect evaluates one model directory (--model)");
    }
    // Without --model: the detector service's configured (shipped) model.
    String model =
        models == null
            ? ServiceConfigs.detector(new Properties()).settings().model()
            : models.get(0);
    Map<String, DetectionMetrics.Result> bySource = new LinkedHashMap<>();
    for (Path root : data.roots) {
      List<DetectionData.Field> fields = DetectorTrainer.fields(root, part);
      err.printf("%s: %d fields of part %s%n", root, fields.size(), part);
      DetectionMetrics.Result result =
          DetectorTrainer.validate(model, fields, threshold, containment);
      bySource.put(DataSets.name(root), result);
      if (!json) {
        spec.commandLine()
            .getOut()
            .printf(
                "detect (%s, %s): %d fields, %d white cells, AP@0.5 %.4f, recall %.4f;"
                    + " at score >= %.2f recall %.4f, precision %.4f%n",
                root,
                part,
                fields.size(),
                result.truths(),
                result.averagePrecision(),
                result.recall(),
                result.threshold(),
                result.recallAtThreshold(),
                result.precisionAtThreshold());
      }
    }
    DetectionReport summary = new DetectionReport("detect", model, part, containment, bySource);
    if (out != null) {
      java.nio.file.Files.createDirectories(out);
      new com.fasterxml.jackson.databind.ObjectMapper()
          .writerWithDefaultPrettyPrinter()
          .writeValue(out.resolve("report.json").toFile(), summary);
      // The precision-recall curve of each set (interpolated, as AP is computed), with its AP.
      java.util.List<Plots.Series> curves = new java.util.ArrayList<>();
      bySource.forEach(
          (set, r) ->
              curves.add(
                  new Plots.Series(
                      String.format("%s (AP@0.5 %.3f)", set, r.averagePrecision()),
                      r.recallCurve(),
                      r.precisionCurve())));
      Plots.lines(
          "detector precision-recall (IoU 0.5)",
          "recall",
          "precision",
          curves,
          true,
          out.resolve("pr.png"));
    }
    if (json) {
      JsonLines.write(spec.commandLine().getOut(), summary);
    }
    return 0;
  }
}
