package org.leukostream.cli.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.leukostream.cli.pipeline.RealCellOptions;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.training.data.LabelledImage;
import org.leukostream.training.data.Split;
import org.leukostream.training.detect.DetectorTrainer;
import org.leukostream.training.eval.Plots;
import org.leukostream.training.train.Augmentation;
import org.leukostream.training.train.ClassifierTraining;
import org.leukostream.training.train.NonFiniteGuard;
import org.leukostream.training.train.NonFiniteTrainingException;
import org.leukostream.training.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--task", required = true, description = "countable, wbc, blast or detect.")
  String task;

  @Mixin DataOptions data;

  @Option(names = "--out", required = true, description = "Model directory to write.")
  Path out;

  @Option(
      names = "--arch",
      defaultValue = "resnet50",
      description = "Architecture (default resnet50).")
  String arch;

  @Option(
      names = "--preset",
      defaultValue = "small",
      description = "small (default), medium (128 px, where defined) or paper.")
  String preset;

  @Option(
      names = "--input-size",
      description =
          "Train a convolutional classifier at this input side instead of its preset's (e.g. 96"
              + " or 160 with --preset medium): same network, the manifest records the side and"
              + " the service resizes each crop to it. Not for vit.")
  Integer inputSize;

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

  @Option(
      names = "--cosine",
      description =
          "Anneal the learning rate to 0 over the epochs (Zhou's schedule; default for zhou;"
              + " with --task detect over all steps).")
  boolean cosine;

  @Option(
      names = "--init",
      description =
          "Start from this model directory's weights (transfer learning): every parameter whose"
              + " name and shape match is copied, e.g. the backbone of a model with other classes.")
  Path init;

  @Option(
      names = "--freeze-epochs",
      defaultValue = "0",
      description = "With --init: keep the copied weights frozen for this many first epochs.")
  int freezeEpochs;

  @Option(
      names = "--resume",
      description =
          "Continue an interrupted run from OUT/checkpoint (its last finished epoch), with the"
              + " same options; the epochs already done are not trained again.")
  boolean resume;

  @Option(
      names = "--skip-non-finite",
      description =
          "Skip a step whose loss or gradients are NaN or infinite (no update; counted) instead of"
              + " stopping the run with an error that names it.")
  boolean skipNonFinite;

  @Option(
      names = "--select-by",
      defaultValue = "accuracy",
      description =
          "Which epoch the run keeps: best validation accuracy (default), balanced-accuracy"
              + " (the mean of the classes' recalls, which a rare class moves: e.g. stage 1 at the"
              + " natural prior, where nearly all cells are countable) or roc-auc (one-vs-rest,"
              + " mean over the classes; no threshold: it sees a better ranking of a rare class"
              + " before the argmax does).")
  String selectBy;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of split, order and weights.")
  long seed;

  @Option(
      names = "--augment",
      description =
          "Change every training image at random as another laboratory, scanner or the detector's"
              + " framing would: scale +-12%%, shift +-6%%, stain (optical density) +-8%%, hue"
              + " +-0.03, saturation +-25%%, brightness +-15%%, contrast +-20%%, blur on one in"
              + " five.")
  boolean augment;

  @Option(
      names = "--real-cells",
      description =
          "With --task detect: a class-folder set of single-cell images (e.g. Matek's) to draw"
              + " --real-cell-fields from.")
  Path realCells;

  @Option(
      names = "--real-cell-fields",
      defaultValue = "0",
      description =
          "With --task detect: add N fields of --real-cells images placed as `demo --data` places"
              + " them (images no shipped classifier holds out; validated on fields of the held-out"
              + " ones).")
  int realCellFields;

  @Option(
      names = "--real-cell-fraction",
      defaultValue = RealCellOptions.MATEK_CELL_FRACTION,
      description = "Share of a --real-cells image's width its cell spans (default 0.6, Matek's).")
  double realCellFraction;

  @Option(
      names = "--real-cell-red-cell-px",
      defaultValue = RealCellOptions.MATEK_RED_CELL_PX,
      description = "A red cell's diameter in --real-cells images (default 90, Matek's).")
  double realCellRedCellPixels;

  @Option(names = "--name", description = "Model name (default: task-arch).")
  String name;

  @Option(names = "--version", defaultValue = "dev", description = "Model version in the manifest.")
  String version;

  @Override
  public Integer call() throws IOException {
    try {
      return train();
    } catch (NonFiniteTrainingException e) {
      Progress.end(spec.commandLine().getErr());
      spec.commandLine().getErr().println("train: " + e.getMessage());
      return 1;
    }
  }

  private int train() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    NonFiniteGuard.Policy nonFinite =
        skipNonFinite ? NonFiniteGuard.Policy.SKIP : NonFiniteGuard.Policy.STOP;
    if (realCellFields < 0 || realCellFields > 0 && (realCells == null || !task.equals("detect"))) {
      throw new ParameterException(
          spec.commandLine(), "--real-cell-fields N (>= 0) is for --task detect with --real-cells");
    }
    if (task.equals("detect")) {
      if (inputSize != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--input-size is for classifiers (a detector's anchors fix its side)");
      }
      return DetectorTrainer.train(
          data.detectionSets(),
          out,
          preset,
          epochs == null ? 20 : epochs,
          batch == null ? 4 : batch,
          learningRate == null ? 1e-3f : learningRate,
          seed,
          nonFinite,
          cosine,
          name,
          version,
          realCellFields == 0
              ? DetectorTrainer.RealCellFields.NONE
              : new DetectorTrainer.RealCellFields(
                  realCells,
                  data.aliases,
                  ServiceConfigs.classifierHeldOut(new Properties()),
                  realCellFields,
                  realCellFraction,
                  realCellRedCellPixels),
          err);
    }
    Architecture atPreset =
        Architecture.find(arch, preset)
            .filter(a -> !a.isDetector())
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(), "Unknown classifier " + arch + "/" + preset));
    Architecture architecture;
    try {
      architecture = inputSize == null ? atPreset : atPreset.withInputSize(inputSize);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--input-size: " + e.getMessage());
    }
    boolean jiang = protocol.equals("jiang");
    if (!jiang && !protocol.equals("zhou")) {
      throw new ParameterException(spec.commandLine(), "--protocol is jiang or zhou");
    }
    ClassifierTraining.Selection selectionRule =
        switch (selectBy) {
          case "accuracy" -> ClassifierTraining.Selection.ACCURACY;
          case "balanced-accuracy" -> ClassifierTraining.Selection.BALANCED_ACCURACY;
          case "roc-auc" -> ClassifierTraining.Selection.ROC_AUC;
          default ->
              throw new ParameterException(
                  spec.commandLine(), "--select-by is accuracy, balanced-accuracy or roc-auc");
        };
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
                jiang && !cosine ? 0 : e,
                defaults.symmetricCrossEntropy(),
                defaults.ders(),
                seed,
                maxSteps,
                nonFinite,
                augment ? Augmentation.OTHER_LABORATORIES : Augmentation.NONE)
            .withSelection(selectionRule);

    DataOptions.Selection selection = data.select(task, err);
    List<LabelledImage> images = selection.images();
    Path split = splitFile == null ? out.resolve("split.tsv") : splitFile;
    Split parts =
        Split.loadOrCreate(split, selection.root(), images, jiang ? Split.JIANG : Split.ZHOU, seed);
    Path ownSplit = out.resolve("split.tsv");
    if (!split.toAbsolutePath().normalize().equals(ownSplit.toAbsolutePath().normalize())) {
      // The model directory carries the split it was trained on, given or not (evaluate, shipping).
      Files.createDirectories(out);
      Files.copy(split, ownSplit, StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> classNames =
        new ArrayList<>(new TreeSet<>(images.stream().map(LabelledImage::label).toList()));
    List<ModelClass> classes =
        classNames.stream().map(c -> new ModelClass(c, role(task, c))).toList();
    int side = architecture.inputSize();
    List<ClassifierTraining.Example> training =
        ClassifierTraining.preload(
            examples(parts.part(images, Split.TRAIN), classNames),
            side,
            n -> Progress.line(err, "decoded " + n + " training images at " + side + " px", false));
    Progress.end(err);
    List<ClassifierTraining.Example> validation =
        ClassifierTraining.preload(
            examples(parts.part(images, Split.VAL), classNames),
            side,
            n -> Progress.line(err, "decoded " + n + " validation images", false));
    Progress.end(err);
    err.printf(
        "train %s: %d classes %s, %d training / %d validation images (split %s), %s, %d epochs%n",
        task, classes.size(), classNames, training.size(), validation.size(), split, protocol, e);

    ModelManifest manifest =
        ModelManifest.of(name == null ? task + "-" + arch : name, architecture, version, classes)
            .withAliases(data.aliases);
    Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    if (freezeEpochs > 0 && init == null) {
      throw new ParameterException(spec.commandLine(), "--freeze-epochs needs --init");
    }
    List<ClassifierTraining.Epoch> finished = List.of();
    Path from = init;
    if (resume) {
      finished = ClassifierTraining.checkpointHistory(out);
      if (finished.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(), "--resume: no checkpoint in " + out.resolve("checkpoint"));
      }
      from = out.resolve(ClassifierTraining.CHECKPOINT);
      err.printf("resuming after epoch %d of %d from %s%n", finished.size(), e, from);
    }
    List<ClassifierTraining.Epoch> history;
    try (Model model = architecture.newModel(manifest.name(), classes.size());
        StoredModel weights = from == null ? null : ModelStore.load(from)) {
      if (init != null && !resume) {
        err.printf(
            "starting from the weights of %s (%s), %d epochs frozen%n",
            init, weights.manifest().name(), freezeEpochs);
      }
      history =
          ClassifierTraining.train(
              model,
              manifest,
              training,
              validation,
              options,
              weights == null
                  ? ClassifierTraining.Start.SCRATCH
                  : new ClassifierTraining.Start(
                      weights.model().getBlock(), resume ? 0 : freezeEpochs, finished),
              out,
              step ->
                  Progress.step(
                      err,
                      step.step(),
                      step.steps(),
                      "epoch "
                          + step.epoch()
                          + "/"
                          + step.epochs()
                          + " step "
                          + step.step()
                          + "/"
                          + step.steps(),
                      ((step.epoch() - 1) * (double) step.steps() + step.step())
                          / (step.epochs() * (double) step.steps()),
                      step.loss(),
                      step.seconds()),
              epoch -> {
                Progress.end(err);
                err.printf(
                    "epoch %d: mean loss %.4f, %s %.4f%s%n",
                    epoch.epoch(),
                    epoch.meanLoss(),
                    selectionRule.label(),
                    epoch.validationAccuracy(),
                    epoch.best() ? " (best, saved)" : "");
              });
    }
    TrainingReport report =
        new TrainingReport(
            task,
            data.describe(),
            split.toString(),
            protocol,
            options.toString(),
            init == null ? null : init + ", frozen for " + freezeEpochs + " epochs",
            finished.size(),
            history);
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
                selectionRule.label(),
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

  /**
   * {@code training.json} of a classifier.
   *
   * @param init the model whose weights it started from, and for how many epochs they stayed frozen
   * @param resumedAfterEpoch epochs a checkpoint had finished before this run (0: a fresh run)
   * @param epochs every epoch's mean loss and validation accuracy
   */
  record TrainingReport(
      String task,
      String data,
      String split,
      String protocol,
      String options,
      String init,
      int resumedAfterEpoch,
      List<ClassifierTraining.Epoch> epochs) {}
}
