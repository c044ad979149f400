package org.leukostream.training.train;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.leukostream.models.inference.CropTranslator;
import org.leukostream.models.inference.Pixels;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.training.eval.RankingMetrics;

/**
 * Trains a single-cell classifier with either paper's protocol: Jiang et al. 2021 (DERS-balanced
 * training split, symmetric cross-entropy, RAdam, lr 1e-4, batch 32, 30 epochs) or Zhou et al. 2021
 * (cross-entropy, Adam with cosine annealing over T_max epochs, lr 1e-5, batch 32). After every
 * epoch the model is measured on the validation split and saved when its score (accuracy, or
 * balanced accuracy: {@link Options#selection}) is the best so far, so the model directory always
 * holds the best epoch. Progress after every step. A step whose loss or gradients are not finite
 * never reaches the weights: the run stops with a {@link NonFiniteTrainingException} naming it (the
 * best epoch and the last checkpoint stay on disk), or the step is skipped when the options say so.
 */
public final class ClassifierTraining {
  /** The optimiser of a protocol. */
  public enum Optimiser {
    RADAM,
    ADAM_COSINE
  }

  /**
   * What a run keeps: the epoch of best validation accuracy, of best balanced accuracy (the mean of
   * the classes' recalls), which a rare class moves (e.g. stage 1's not-identifiable cells, 1 in 8
   * of the validation images, trained at their natural prior), or of best ROC AUC (one-vs-rest, the
   * mean over the classes), which does not depend on a threshold: a model that ranks the rare class
   * better scores higher even while it still calls nearly every cell the common class at the
   * argmax.
   */
  public enum Selection {
    ACCURACY("validation accuracy"),
    BALANCED_ACCURACY("validation balanced accuracy"),
    ROC_AUC("validation ROC AUC");

    private final String label;

    Selection(String label) {
      this.label = label;
    }

    /** How progress and plots name the score. */
    public String label() {
      return label;
    }
  }

  /**
   * @param epochs passes over the (balanced) training split
   * @param batchSize images per step
   * @param learningRate base learning rate
   * @param optimiser RAdam (Jiang) or Adam with cosine annealing (Zhou)
   * @param cosineEpochs T_max of the cosine schedule, in epochs (Zhou: 30 or 50)
   * @param symmetricCrossEntropy SCE (Jiang) instead of cross-entropy
   * @param ders balance the training split with DERS (Jiang)
   * @param seed order, balancing and initial weights
   * @param maxStepsPerEpoch cap on steps per epoch (0: every batch), for short runs
   * @param nonFinite what a step with a non-finite loss or gradient does: stop (default) or skip
   * @param augmentation random changes of each training image after balancing ({@link
   *     Augmentation#NONE}: none), drawn from the seed, so a resumed run sees the same images
   * @param selection the validation score that decides which epoch is kept
   */
  public record Options(
      int epochs,
      int batchSize,
      float learningRate,
      Optimiser optimiser,
      int cosineEpochs,
      boolean symmetricCrossEntropy,
      boolean ders,
      long seed,
      int maxStepsPerEpoch,
      NonFiniteGuard.Policy nonFinite,
      Augmentation augmentation,
      Selection selection) {

    public Options(
        int epochs,
        int batchSize,
        float learningRate,
        Optimiser optimiser,
        int cosineEpochs,
        boolean symmetricCrossEntropy,
        boolean ders,
        long seed,
        int maxStepsPerEpoch,
        NonFiniteGuard.Policy nonFinite,
        Augmentation augmentation) {
      this(
          epochs,
          batchSize,
          learningRate,
          optimiser,
          cosineEpochs,
          symmetricCrossEntropy,
          ders,
          seed,
          maxStepsPerEpoch,
          nonFinite,
          augmentation,
          Selection.ACCURACY);
    }

    public Options(
        int epochs,
        int batchSize,
        float learningRate,
        Optimiser optimiser,
        int cosineEpochs,
        boolean symmetricCrossEntropy,
        boolean ders,
        long seed,
        int maxStepsPerEpoch) {
      this(
          epochs,
          batchSize,
          learningRate,
          optimiser,
          cosineEpochs,
          symmetricCrossEntropy,
          ders,
          seed,
          maxStepsPerEpoch,
          NonFiniteGuard.Policy.STOP,
          Augmentation.NONE,
          Selection.ACCURACY);
    }

    /** The same options keeping the epoch of best {@code selection} score. */
    public Options withSelection(Selection selection) {
      return new Options(
          epochs,
          batchSize,
          learningRate,
          optimiser,
          cosineEpochs,
          symmetricCrossEntropy,
          ders,
          seed,
          maxStepsPerEpoch,
          nonFinite,
          augmentation,
          selection);
    }

    /** Jiang et al. 2021. */
    public static Options jiang() {
      return new Options(30, 32, 1e-4f, Optimiser.RADAM, 0, true, true, 7, 0);
    }

    /** Zhou et al. 2021 with cosine T_max of {@code tMax} epochs (30 stage 1, 50 stage 2). */
    public static Options zhou(int tMax) {
      return new Options(tMax, 32, 1e-5f, Optimiser.ADAM_COSINE, tMax, false, false, 7, 0);
    }
  }

  /** A training or validation image and its class index in the manifest's class list. */
  public record Example(Supplier<BufferedImage> image, int label) {}

  /** Progress after one step. */
  public record Step(int epoch, int epochs, int step, int steps, float loss, double seconds) {}

  /**
   * One finished epoch.
   *
   * @param validationAccuracy the validation score the run selects by ({@link Options#selection}):
   *     accuracy, or balanced accuracy
   */
  public record Epoch(
      int epoch, float meanLoss, double validationAccuracy, boolean best, double seconds) {}

  /**
   * Where a run starts. From scratch; from another model's weights (transfer learning: every
   * parameter whose name and shape match is copied, e.g. the backbone of a model with other
   * classes, and all but the output layer frozen for the first {@code freezeEpochs} epochs); or
   * resuming an interrupted run after the epochs in {@code done}, from the checkpoint of the last
   * one. A resumed run sees the same data order and learning-rate schedule as an uninterrupted one;
   * the optimiser's moment estimates start anew.
   *
   * @param weights a block to copy matching parameters from, or null
   * @param freezeEpochs epochs during which the copied parameters are not trained
   * @param done the epochs already finished (resume), else empty
   */
  public record Start(Block weights, int freezeEpochs, List<Epoch> done) {
    public static final Start SCRATCH = new Start(null, 0, List.of());

    public Start {
      done = List.copyOf(done);
      if (freezeEpochs > 0 && weights == null) {
        throw new IllegalArgumentException("Freezing needs initial weights to freeze");
      }
    }
  }

  /** Sub-folder of a model directory holding the last finished epoch of a run, for resuming. */
  public static final String CHECKPOINT = "checkpoint";

  private static final String HISTORY = "history.tsv";

  private ClassifierTraining() {}

  /**
   * Trains from scratch; see {@link #train(Model, ModelManifest, List, List, Options, Start, Path,
   * Consumer, Consumer)}.
   */
  public static List<Epoch> train(
      Model model,
      ModelManifest manifest,
      List<Example> training,
      List<Example> validation,
      Options options,
      Path dir,
      Consumer<Step> stepProgress,
      Consumer<Epoch> epochProgress) {
    return train(
        model,
        manifest,
        training,
        validation,
        options,
        Start.SCRATCH,
        dir,
        stepProgress,
        epochProgress);
  }

  /**
   * Copies every parameter of {@code from} whose name and shape match one of {@code to} (both
   * initialised) and returns the names copied.
   */
  public static List<String> copyMatching(Block from, Block to) {
    Map<String, Parameter> source = new LinkedHashMap<>();
    from.getParameters().forEach(p -> source.put(p.getKey(), p.getValue()));
    List<String> copied = new ArrayList<>();
    for (Pair<String, Parameter> target : to.getParameters()) {
      Parameter other = source.get(target.getKey());
      if (other != null
          && other.isInitialized()
          && target.getValue().isInitialized()
          && other.getArray().getShape().equals(target.getValue().getArray().getShape())) {
        other.getArray().copyTo(target.getValue().getArray());
        copied.add(target.getKey());
      }
    }
    return copied;
  }

  /** The finished epochs of the checkpoint in {@code dir}, or empty when there is none. */
  public static List<Epoch> checkpointHistory(Path dir) {
    Path file = dir.resolve(CHECKPOINT).resolve(HISTORY);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      List<Epoch> out = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] c = line.split("\t");
        out.add(
            new Epoch(
                Integer.parseInt(c[0]),
                Float.parseFloat(c[1]),
                Double.parseDouble(c[2]),
                Boolean.parseBoolean(c[3]),
                Double.parseDouble(c[4])));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static void checkpoint(Path dir, ModelManifest manifest, Model model, List<Epoch> done) {
    Path folder = dir.resolve(CHECKPOINT);
    ModelStore.save(folder, manifest, model);
    StringBuilder text =
        new StringBuilder("# epoch\tmean loss\tvalidation accuracy\tbest\tseconds\n");
    for (Epoch e : done) {
      text.append(
          String.format(
              Locale.ROOT,
              "%d\t%s\t%s\t%b\t%s%n",
              e.epoch(),
              e.meanLoss(),
              e.validationAccuracy(),
              e.best(),
              e.seconds()));
    }
    try {
      Files.writeString(folder.resolve(HISTORY), text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the checkpoint in " + folder, e);
    }
  }

  /**
   * Trains {@code model} from {@code start} and saves the best epoch into {@code dir}, and every
   * finished epoch into {@code dir/checkpoint} (for resuming).
   *
   * @return every epoch's mean loss and validation accuracy, those of a resumed run's earlier
   *     epochs included
   */
  public static List<Epoch> train(
      Model model,
      ModelManifest manifest,
      List<Example> training,
      List<Example> validation,
      Options options,
      Start start,
      Path dir,
      Consumer<Step> stepProgress,
      Consumer<Epoch> epochProgress) {
    Random random = new Random(options.seed());
    List<List<Example>> epochs = new ArrayList<>();
    int stepsPerEpoch = 0;
    for (int e = 0; e < options.epochs(); e++) {
      List<Example> order =
          augmented(
              epochOrder(training, options, options.seed() + e, random),
              options.augmentation(),
              options.seed() * 31 + e);
      epochs.add(order);
      stepsPerEpoch = Math.max(stepsPerEpoch, steps(order, options));
    }
    Trainable.weightsOf(model.getBlock());
    Loss loss =
        options.symmetricCrossEntropy()
            ? new SymmetricCrossEntropy()
            : Loss.softmaxCrossEntropyLoss();
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(loss)
            .optOptimizer(optimiser(options, stepsPerEpoch, start.done().size() * stepsPerEpoch));
    int side = manifest.inputSize();
    List<Epoch> history = new ArrayList<>(start.done());
    double best = history.stream().mapToDouble(Epoch::validationAccuracy).max().orElse(-1);
    double earlier = history.isEmpty() ? 0 : history.get(history.size() - 1).seconds();
    long begin = System.nanoTime() - (long) (earlier * 1e9);
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(new Shape(options.batchSize(), 3, side, side));
      NonFiniteGuard guard = new NonFiniteGuard(options.nonFinite(), model.getBlock());
      List<Parameter> frozen = new ArrayList<>();
      if (start.weights() != null) {
        List<String> copied = copyMatching(start.weights(), model.getBlock());
        if (copied.isEmpty()) {
          throw new IllegalArgumentException(
              "The initial weights share no parameter (name and shape) with " + manifest.name());
        }
        if (start.freezeEpochs() > start.done().size()) {
          List<Pair<String, Parameter>> all = model.getBlock().getParameters().stream().toList();
          int head = all.size() - 1; // the output layer: its last weight and what follows
          while (head > 0 && all.get(head).getValue().getType() != Parameter.Type.WEIGHT) {
            head--;
          }
          for (Pair<String, Parameter> p : all.subList(0, head)) {
            if (copied.contains(p.getKey()) && p.getValue().requiresGradient()) {
              p.getValue().freeze(true);
              frozen.add(p.getValue());
            }
          }
        }
      }
      for (int e = start.done().size(); e < options.epochs(); e++) {
        if (e == start.freezeEpochs() && !frozen.isEmpty()) {
          frozen.forEach(p -> p.freeze(false));
          frozen.clear();
        }
        List<Example> order = epochs.get(e);
        int steps = steps(order, options);
        double sum = 0;
        int skipped = 0;
        for (int s = 0; s < steps; s++) {
          List<Example> batch =
              order.subList(
                  s * options.batchSize(), Math.min(order.size(), (s + 1) * options.batchSize()));
          try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList data = new NDList(tensor(manager, batch, manifest));
            NDList labels =
                new NDList(
                    manager
                        .create(batch.stream().mapToInt(Example::label).toArray())
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
            float value;
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDList predictions = trainer.forward(data, labels);
              NDArray l = trainer.getLoss().evaluate(labels, predictions);
              collector.backward(l);
              value = l.getFloat();
            }
            if (guard.admit(value, e + 1, s + 1)) {
              trainer.step();
              sum += value;
            } else {
              skipped++;
            }
            stepProgress.accept(
                new Step(e + 1, options.epochs(), s + 1, steps, value, seconds(begin)));
          }
        }
        double accuracy =
            score(trainer, model, validation, manifest, options.batchSize(), options.selection());
        boolean improved = accuracy > best;
        if (improved) {
          best = accuracy;
          ModelStore.save(dir, manifest, model);
        }
        float meanLoss = steps > skipped ? (float) (sum / (steps - skipped)) : Float.NaN;
        Epoch epoch = new Epoch(e + 1, meanLoss, accuracy, improved, seconds(begin));
        history.add(epoch);
        checkpoint(dir, manifest, model, history);
        epochProgress.accept(epoch);
      }
    }
    model.getBlock().freezeParameters(true);
    return history;
  }

  /** Batches of an epoch: every example once, at most {@code maxStepsPerEpoch} when set. */
  private static int steps(List<Example> order, Options options) {
    int steps = (order.size() + options.batchSize() - 1) / options.batchSize();
    return options.maxStepsPerEpoch() > 0 ? Math.min(steps, options.maxStepsPerEpoch()) : steps;
  }

  /**
   * {@code order} with every image changed by {@code augmentation}, each by its own random stream
   * drawn here from {@code seed}, so the changes do not depend on when a batch is read.
   */
  static List<Example> augmented(List<Example> order, Augmentation augmentation, long seed) {
    if (augmentation.isNone()) {
      return order;
    }
    Random draws = new Random(seed);
    List<Example> out = new ArrayList<>(order.size());
    for (Example example : order) {
      long own = draws.nextLong();
      out.add(
          new Example(
              () -> augmentation.apply(example.image().get(), new Random(own)), example.label()));
    }
    return out;
  }

  /** The epoch's training order: DERS-balanced (Jiang) or the split itself, shuffled. */
  static List<Example> epochOrder(
      List<Example> training, Options options, long seed, Random random) {
    if (!options.ders()) {
      List<Example> order = new ArrayList<>(training);
      Collections.shuffle(order, random);
      return order;
    }
    Map<Integer, List<Example>> byClass = new LinkedHashMap<>();
    training.forEach(x -> byClass.computeIfAbsent(x.label(), k -> new ArrayList<>()).add(x));
    List<Example> order = new ArrayList<>();
    for (Ders.Item<Integer, Example> item : Ders.balance(byClass, seed)) {
      Example source = item.source();
      order.add(
          new Example(() -> item.transform().apply().apply(source.image().get()), item.label()));
    }
    return order;
  }

  /**
   * RAdam or Adam, with a fixed learning rate or, when {@code cosineEpochs > 0}, annealed to 0 over
   * that many epochs (Zhou's schedule; optional for RAdam).
   */
  private static Optimizer optimiser(Options options, int stepsPerEpoch, int stepsDone) {
    Tracker cosine =
        options.cosineEpochs() > 0
            ? CosineTracker.builder()
                .setBaseValue(options.learningRate())
                .optFinalValue(0)
                .setMaxUpdates(Math.max(1, options.cosineEpochs() * stepsPerEpoch))
                .build()
            : Tracker.fixed(options.learningRate());
    Tracker rate = update -> cosine.getNewValue(update + stepsDone);
    return options.optimiser() == Optimiser.RADAM
        ? RAdam.builder().optLearningRateTracker(rate).build()
        : Adam.builder().optLearningRateTracker(rate).build();
  }

  /**
   * Every example decoded once and resized to {@code side} x {@code side} exactly as {@link
   * #tensor} resizes (bilinear), kept in memory: epochs then read no files. DERS's flips and
   * quarter turns commute with resizing a square, so balancing the small images trains the same.
   *
   * @param progress called with the number of images done so far, every 500 and at the end
   */
  public static List<Example> preload(
      List<Example> examples, int side, java.util.function.IntConsumer progress) {
    List<Example> out = new ArrayList<>(examples.size());
    try (NDManager manager = NDManager.newBaseManager()) {
      for (Example example : examples) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray pixels =
              Pixels.rgb(scope, ImageFactory.getInstance().fromImage(example.image().get()));
          byte[] rgb =
              NDImageUtils.resize(pixels, side, side, Image.Interpolation.BILINEAR)
                  .round()
                  .clip(0, 255)
                  .toType(ai.djl.ndarray.types.DataType.UINT8, false)
                  .toByteArray(); // height x width x RGB
          BufferedImage small = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
          for (int y = 0, i = 0; y < side; y++) {
            for (int x = 0; x < side; x++, i += 3) {
              small.setRGB(
                  x, y, (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff));
            }
          }
          out.add(new Example(() -> small, example.label()));
        }
        if (out.size() % 500 == 0 || out.size() == examples.size()) {
          progress.accept(out.size());
        }
      }
    }
    return out;
  }

  /**
   * Resized to the manifest's input, scaled to 0..1, normalised; stacked: as the classifier
   * prepares a batch of crops ({@link CropTranslator#tensor}).
   */
  static NDArray tensor(NDManager manager, List<Example> batch, ModelManifest manifest) {
    List<Image> images = new ArrayList<>(batch.size());
    for (Example example : batch) {
      images.add(ImageFactory.getInstance().fromImage(example.image().get()));
    }
    return CropTranslator.tensor(
        manager, images, manifest.inputSize(), manifest.meanFloats(), manifest.stdFloats());
  }

  /** The selection score of the model in inference mode on {@code examples}. */
  static double score(
      Trainer trainer,
      Model model,
      List<Example> examples,
      ModelManifest manifest,
      int batchSize,
      Selection selection) {
    int[] labels = examples.stream().mapToInt(Example::label).toArray();
    double[][] probabilities = new double[labels.length][];
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<Example> batch = examples.subList(from, Math.min(examples.size(), from + batchSize));
      try (NDManager manager = model.getNDManager().newSubManager()) {
        NDArray logits =
            trainer.evaluate(new NDList(tensor(manager, batch, manifest))).singletonOrThrow();
        float[] flat = logits.softmax(-1).toFloatArray();
        int classes = flat.length / batch.size();
        for (int i = 0; i < batch.size(); i++) {
          double[] row = new double[classes];
          for (int c = 0; c < classes; c++) {
            row[c] = flat[i * classes + c];
          }
          probabilities[from + i] = row;
        }
      }
    }
    return score(labels, probabilities, selection);
  }

  /**
   * The selection score of class probabilities (one row per example) against {@code labels}: for
   * the accuracies, of the argmax; for ROC AUC, the mean one-vs-rest area over the classes that
   * have both positive and negative examples (0 where none has).
   */
  static double score(int[] labels, double[][] probabilities, Selection selection) {
    if (selection != Selection.ROC_AUC) {
      int[] predicted = new int[labels.length];
      for (int i = 0; i < labels.length; i++) {
        predicted[i] = argMax(probabilities[i]);
      }
      return score(labels, predicted, selection);
    }
    int classes = probabilities.length == 0 ? 0 : probabilities[0].length;
    double sum = 0;
    int defined = 0;
    for (int c = 0; c < classes; c++) {
      double[] scores = new double[labels.length];
      boolean[] positive = new boolean[labels.length];
      for (int i = 0; i < labels.length; i++) {
        scores[i] = probabilities[i][c];
        positive[i] = labels[i] == c;
      }
      double auc = RankingMetrics.rocAuc(scores, positive);
      if (!Double.isNaN(auc)) {
        sum += auc;
        defined++;
      }
    }
    return defined == 0 ? 0 : sum / defined;
  }

  private static int argMax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Accuracy of {@code predicted} against {@code labels}, or their balanced accuracy: the mean
   * recall of the classes present; 0 without examples.
   */
  static double score(int[] labels, int[] predicted, Selection selection) {
    if (selection == Selection.ROC_AUC) {
      throw new IllegalArgumentException("ROC AUC needs the class probabilities, not the argmax");
    }
    if (labels.length == 0) {
      return 0;
    }
    Map<Integer, int[]> byClass = new TreeMap<>(); // class -> {right, total}
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      int hit = predicted[i] == labels[i] ? 1 : 0;
      right += hit;
      int[] counts = byClass.computeIfAbsent(labels[i], k -> new int[2]);
      counts[0] += hit;
      counts[1]++;
    }
    return selection == Selection.ACCURACY
        ? right / (double) labels.length
        : byClass.values().stream().mapToDouble(c -> c[0] / (double) c[1]).average().orElse(0);
  }

  private static double seconds(long begin) {
    return (System.nanoTime() - begin) / 1e9;
  }
}
