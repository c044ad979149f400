package org.leukostream.cli;

import ai.djl.Model;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.data.ClassFolders;
import org.leukostream.models.data.LabelledImage;
import org.leukostream.models.data.Split;
import org.leukostream.models.data.Tasks;
import org.leukostream.models.eval.Plots;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.train.ClassifierTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream train}: a single-cell classifier on a class-folder data set with either
 * paper's protocol; writes the best validation epoch as a model directory, the split it used, the
 * training history (JSON) and its loss / accuracy curve (PNG).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Trains a classifier (tasks countable, wbc, blast) on class folders with Jiang's (DERS, SCE,"
            + " RAdam) or Zhou's (CE, Adam + cosine) protocol, keeping the best validation epoch; or"
            + " the WBC detector (task detect) on a Pascal VOC or YOLO data set.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--task", required = true, description = "countable, wbc, blast or detect.")
  String task;

  @Option(names = "--data", required = true, description = "Data root: one folder per class.")
  Path data;

  @Option(names = "--out", required = true, description = "Model directory to write.")
  Path out;

  @Option(
      names = "--arch",
      defaultValue = "resnet50",
      description = "Architecture (default resnet50).")
  String arch;

  @Option(names = "--preset", defaultValue = "small", description = "small (default) or paper.")
  String preset;

  @Option(names = "--protocol", defaultValue = "jiang", description = "jiang (default) or zhou.")
  String protocol;

  @Option(names = "--epochs", description = "Epochs (Jiang 30, Zhou T_max).")
  Integer epochs;

  @Option(names = "--batch", description = "Batch size (default 32).")
  Integer batch;

  @Option(names = "--lr", description = "Learning rate (Jiang 1e-4, Zhou 1e-5).")
  Float learningRate;

  @Option(
      names = "--max-steps-per-epoch",
      defaultValue = "0",
      description = "Cap per epoch (0: all).")
  int maxSteps;

  @Option(
      names = "--split",
      description = "Split file (TSV); created when absent (default OUT/split.tsv).")
  Path splitFile;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of split, order and weights.")
  long seed;

  @Option(names = "--name", description = "Model name (default: task-arch).")
  String name;

  @Option(names = "--version", defaultValue = "dev", description = "Model version in the manifest.")
  String version;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (task.equals("detect")) {
      return DetectorTrainer.train(
          data,
          out,
          preset,
          epochs == null ? 20 : epochs,
          batch == null ? 4 : batch,
          learningRate == null ? 1e-3f : learningRate,
          seed,
          name,
          version,
          err);
    }
    Architecture architecture =
        Architecture.find(arch, preset)
            .filter(a -> !a.isDetector())
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(), "Unknown classifier " + arch + "/" + preset));
    boolean jiang = protocol.equals("jiang");
    if (!jiang && !protocol.equals("zhou")) {
      throw new ParameterException(spec.commandLine(), "--protocol is jiang or zhou");
    }
    ClassifierTraining.Options defaults =
        jiang
            ? ClassifierTraining.Options.jiang()
            : ClassifierTraining.Options.zhou(task.equals("countable") ? 30 : 50);
    int e = epochs == null ? defaults.epochs() : epochs;
    ClassifierTraining.Options options =
        new ClassifierTraining.Options(
            e,
            batch == null ? defaults.batchSize() : batch,
            learningRate == null ? defaults.learningRate() : learningRate,
            defaults.optimiser(),
            jiang ? 0 : e,
            defaults.symmetricCrossEntropy(),
            defaults.ders(),
            seed,
            maxSteps);

    List<LabelledImage> images = Tasks.select(task, ClassFolders.read(data, Map.of()));
    Path split = splitFile == null ? out.resolve("split.tsv") : splitFile;
    Split parts = Split.loadOrCreate(split, data, images, jiang ? Split.JIANG : Split.ZHOU, seed);
    List<String> classNames =
        new ArrayList<>(new TreeSet<>(images.stream().map(LabelledImage::label).toList()));
    List<ModelClass> classes =
        classNames.stream().map(c -> new ModelClass(c, role(task, c))).toList();
    List<ClassifierTraining.Example> training =
        examples(parts.part(images, Split.TRAIN), classNames);
    List<ClassifierTraining.Example> validation =
        examples(parts.part(images, Split.VAL), classNames);
    err.printf(
        "train %s: %d classes %s, %d training / %d validation images (split %s), %s, %d epochs%n",
        task, classes.size(), classNames, training.size(), validation.size(), split, protocol, e);

    ModelManifest manifest =
        ModelManifest.of(name == null ? task + "-" + arch : name, architecture, version, classes);
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    List<ClassifierTraining.Epoch> history;
    try (Model model = architecture.newModel(manifest.name(), classes.size())) {
      history =
          ClassifierTraining.train(
              model,
              manifest,
              training,
              validation,
              options,
              out,
              step -> {
                if (step.step() % 10 == 0 || step.step() == step.steps()) {
                  double done =
                      ((step.epoch() - 1) * (double) step.steps() + step.step())
                          / (step.epochs() * (double) step.steps());
                  err.printf(
                      "\repoch %d/%d step %d/%d loss %.4f  %.0f s, about %.0f s left   ",
                      step.epoch(),
                      step.epochs(),
                      step.step(),
                      step.steps(),
                      step.loss(),
                      step.seconds(),
                      step.seconds() / done * (1 - done));
                  err.flush();
                }
              },
              epoch ->
                  err.printf(
                      "%nepoch %d: mean loss %.4f, validation accuracy %.4f%s%n",
                      epoch.epoch(),
                      epoch.meanLoss(),
                      epoch.validationAccuracy(),
                      epoch.best() ? " (best, saved)" : ""));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("task", task);
    report.put("data", data.toString());
    report.put("split", split.toString());
    report.put("protocol", protocol);
    report.put("options", options.toString());
    report.put("epochs", history);
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(out.resolve("training.json").toFile(), report);
    double[] x = history.stream().mapToDouble(ClassifierTraining.Epoch::epoch).toArray();
    Plots.lines(
        manifest.name() + ": training",
        "epoch",
        "loss / accuracy",
        List.of(
            new Plots.Series(
                "mean training loss",
                x,
                history.stream().mapToDouble(ClassifierTraining.Epoch::meanLoss).toArray()),
            new Plots.Series(
                "validation accuracy",
                x,
                history.stream()
                    .mapToDouble(ClassifierTraining.Epoch::validationAccuracy)
                    .toArray())),
        false,
        out.resolve("training.png"));
    err.printf("model %s written with training.json and training.png%n", out);
    return 0;
  }

  static ClassRole role(String task, String label) {
    return switch (task) {
      case "countable" -> label.equals("uncountable") ? ClassRole.UNCOUNTABLE : ClassRole.COUNTABLE;
      case "blast" -> label.equals("blast") ? ClassRole.BLAST : ClassRole.NORMAL;
      default ->
          switch (label) {
            case "lymphocyte" -> ClassRole.LYMPHOID;
            case "blast", "lymphoblast" -> ClassRole.LYMPHOBLAST;
            case "platelet" -> ClassRole.NOT_NUCLEATED;
            default -> ClassRole.COUNTED;
          };
    };
  }

  static List<ClassifierTraining.Example> examples(
      List<LabelledImage> images, List<String> classes) {
    List<ClassifierTraining.Example> out = new ArrayList<>(images.size());
    for (LabelledImage image : images) {
      Path file = image.file();
      out.add(
          new ClassifierTraining.Example(
              () -> {
                try {
                  return ImageIO.read(file.toFile());
                } catch (IOException ex) {
                  throw new java.io.UncheckedIOException("Cannot read " + file, ex);
                }
              },
              classes.indexOf(image.label())));
    }
    return out;
  }
}
