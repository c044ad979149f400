package org.leukostream.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.leukostream.models.data.ClassFolders;
import org.leukostream.models.data.LabelledImage;
import org.leukostream.models.data.Split;
import org.leukostream.models.data.Tasks;
import org.leukostream.models.eval.ClassifierEvaluation;
import org.leukostream.models.inference.Ensemble;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--task", required = true, description = "countable, wbc or blast.")
  String task;

  @Option(names = "--data", required = true, description = "Data root: one folder per class.")
  Path data;

  @Option(
      names = "--model",
      required = true,
      split = ",",
      description = "Model directory, or DIR=WEIGHT,DIR=WEIGHT for an ensemble.")
  List<String> models;

  @Option(names = "--split", description = "Split file (TSV) of the training run; with --part.")
  Path splitFile;

  @Option(
      names = "--part",
      defaultValue = "test",
      description = "Part of the split (default test).")
  String part;

  @Option(names = "--out", description = "Directory for report.json, report.md and the PNGs.")
  Path out;

  @Option(names = "--batch", defaultValue = "32", description = "Images per forward pass.")
  int batch;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    List<LabelledImage> images = Tasks.select(task, ClassFolders.read(data, Map.of()));
    if (splitFile != null) {
      Split split = Split.load(splitFile, data, images);
      images = split.part(images, part);
    }
    Map<String, Double> members = new LinkedHashMap<>();
    for (String model : models) {
      int eq = model.lastIndexOf('=');
      members.put(
          eq < 0 ? model : model.substring(0, eq),
          eq < 0 ? 1.0 / models.size() : Double.parseDouble(model.substring(eq + 1)));
    }
    int total = images.size();
    ClassifierEvaluation.Result result;
    try (Ensemble ensemble = Ensemble.load(task, members, Device.cpu(), batch)) {
      result =
          ClassifierEvaluation.evaluate(
              ensemble,
              images,
              batch,
              done -> {
                err.printf("\revaluated %d/%d", done, total);
                err.flush();
              });
    }
    err.println();
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("task", task);
    context.put("data", data.toString());
    context.put("split", splitFile == null ? "all images" : splitFile + " part " + part);
    context.put("models", members);
    if (out != null) {
      ClassifierEvaluation.write(result, task + " on " + data.getFileName(), context, out);
      err.printf("report written to %s%n", out);
    }
    Map<String, Object> summary = new LinkedHashMap<>(context);
    summary.putAll(ClassifierEvaluation.summary(result));
    if (json) {
      JsonLines.write(spec.commandLine().getOut(), summary);
    } else {
      spec.commandLine()
          .getOut()
          .printf(
              "%s: %d images, accuracy %.4f, macro F1 %.4f, weighted F1 %.4f%n",
              task,
              result.metrics().total(),
              result.metrics().accuracy(),
              result.metrics().macroF1(),
              result.metrics().weightedF1());
    }
    return 0;
  }
}
