package org.leukostream.models.train;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;

/**
 * Trains a single-cell classifier with either paper's protocol: Jiang et al. 2021 (DERS-balanced
 * training split, symmetric cross-entropy, RAdam, lr 1e-4, batch 32, 30 epochs) or Zhou et al. 2021
 * (cross-entropy, Adam with cosine annealing over T_max epochs, lr 1e-5, batch 32). After every
 * epoch the model is measured on the validation split and saved when its accuracy is the best so
 * far, so the model directory always holds the best epoch. Progress after every step.
 */
public final class ClassifierTraining {
  /** The optimiser of a protocol. */
  public enum Optimiser {
    RADAM,
    ADAM_COSINE
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
      int maxStepsPerEpoch) {

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

  /** One finished epoch. */
  public record Epoch(
      int epoch, float meanLoss, double validationAccuracy, boolean best, double seconds) {}

  private ClassifierTraining() {}

  /**
   * Trains {@code model} (its block initialised, possibly from other weights) and saves the best
   * epoch into {@code dir}.
   *
   * @return every epoch's mean loss and validation accuracy
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
    Random random = new Random(options.seed());
    List<List<Example>> epochs = new ArrayList<>();
    int stepsPerEpoch = 0;
    for (int e = 0; e < options.epochs(); e++) {
      List<Example> order = epochOrder(training, options, options.seed() + e, random);
      epochs.add(order);
      stepsPerEpoch = Math.max(stepsPerEpoch, steps(order, options));
    }
    Trainable.weightsOf(model.getBlock());
    Loss loss =
        options.symmetricCrossEntropy()
            ? new SymmetricCrossEntropy()
            : Loss.softmaxCrossEntropyLoss();
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(loss).optOptimizer(optimiser(options, stepsPerEpoch));
    int side = manifest.inputSize();
    List<Epoch> history = new ArrayList<>();
    double best = -1;
    long begin = System.nanoTime();
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(new Shape(options.batchSize(), 3, side, side));
      for (int e = 0; e < options.epochs(); e++) {
        List<Example> order = epochs.get(e);
        int steps = steps(order, options);
        double sum = 0;
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
            trainer.step();
            sum += value;
            stepProgress.accept(
                new Step(e + 1, options.epochs(), s + 1, steps, value, seconds(begin)));
          }
        }
        double accuracy = accuracy(trainer, model, validation, manifest, options.batchSize());
        boolean improved = accuracy > best;
        if (improved) {
          best = accuracy;
          ModelStore.save(dir, manifest, model);
        }
        Epoch epoch = new Epoch(e + 1, (float) (sum / steps), accuracy, improved, seconds(begin));
        history.add(epoch);
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

  private static Optimizer optimiser(Options options, int stepsPerEpoch) {
    if (options.optimiser() == Optimiser.RADAM) {
      return RAdam.builder().optLearningRateTracker(Tracker.fixed(options.learningRate())).build();
    }
    CosineTracker cosine =
        CosineTracker.builder()
            .setBaseValue(options.learningRate())
            .optFinalValue(0)
            .setMaxUpdates(Math.max(1, options.cosineEpochs() * stepsPerEpoch))
            .build();
    return Adam.builder().optLearningRateTracker(cosine).build();
  }

  /** Resized to the manifest's input, scaled to 0..1, normalised; stacked. */
  static NDArray tensor(NDManager manager, List<Example> batch, ModelManifest manifest) {
    List<NDArray> images = new ArrayList<>(batch.size());
    int side = manifest.inputSize();
    for (Example example : batch) {
      Image image = ImageFactory.getInstance().fromImage(example.image().get());
      NDArray pixels = image.toNDArray(manager, Image.Flag.COLOR);
      NDArray resized = NDImageUtils.resize(pixels, side, side, Image.Interpolation.BILINEAR);
      images.add(
          NDImageUtils.normalize(
              NDImageUtils.toTensor(resized), manifest.meanFloats(), manifest.stdFloats()));
    }
    return NDArrays.stack(new NDList(images));
  }

  /** Accuracy of the model in inference mode on {@code examples}. */
  static double accuracy(
      Trainer trainer, Model model, List<Example> examples, ModelManifest manifest, int batchSize) {
    if (examples.isEmpty()) {
      return 0;
    }
    int right = 0;
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<Example> batch = examples.subList(from, Math.min(examples.size(), from + batchSize));
      try (NDManager manager = model.getNDManager().newSubManager()) {
        NDArray logits =
            trainer.evaluate(new NDList(tensor(manager, batch, manifest))).singletonOrThrow();
        long[] predicted = logits.argMax(-1).toLongArray();
        for (int i = 0; i < batch.size(); i++) {
          right += predicted[i] == batch.get(i).label() ? 1 : 0;
        }
      }
    }
    return right / (double) examples.size();
  }

  private static double seconds(long begin) {
    return (System.nanoTime() - begin) / 1e9;
  }
}
