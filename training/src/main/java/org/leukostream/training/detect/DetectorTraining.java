package org.leukostream.training.detect;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.detect.Letterbox;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.training.train.NonFiniteGuard;
import org.leukostream.training.train.Trainable;

/**
 * Trains a detector on labelled fields with focal loss and Adam: letterboxed like inference, random
 * left-right and up-down flips, anchors assigned as RetinaNet assigns them. The model's block may
 * be fresh or carry weights (fine-tuning); it is trained in place. A step whose loss or gradients
 * are not finite stops the run with a {@link
 * org.leukostream.training.train.NonFiniteTrainingException} (or is skipped, when the options say
 * so) before it can reach the weights.
 */
public final class DetectorTraining {

  /** A box in field pixels with the index of its class in the manifest. */
  public record Box(double x, double y, double width, double height, int label) {}

  /** One labelled field. */
  public record Sample(BufferedImage field, List<Box> boxes) {}

  /**
   * @param steps optimiser steps
   * @param batchSize fields per step
   * @param learningRate Adam's learning rate
   * @param seed order of samples and flips
   * @param nonFinite what a step with a non-finite loss or gradient does: stop (default) or skip
   * @param cosine whether the learning rate falls along a cosine to 0 over the steps (else fixed)
   */
  public record Options(
      int steps,
      int batchSize,
      float learningRate,
      long seed,
      NonFiniteGuard.Policy nonFinite,
      boolean cosine) {
    public Options(int steps, int batchSize, float learningRate, long seed) {
      this(steps, batchSize, learningRate, seed, NonFiniteGuard.Policy.STOP, false);
    }
  }

  /** Progress after one step. */
  public record Step(int step, int steps, float loss, double seconds) {}

  private DetectorTraining() {}

  /**
   * Trains {@code model} (whose block is {@code architecture}'s) for {@code options.steps()} steps;
   * returns the loss of every step.
   */
  public static List<Float> train(
      Model model,
      Architecture architecture,
      ModelManifest manifest,
      List<Sample> samples,
      Options options,
      Consumer<Step> progress) {
    if (!architecture.isDetector()) {
      throw new IllegalArgumentException(architecture.name() + " is not a detector");
    }
    int side = manifest.inputSize();
    float[] anchors = architecture.anchors().boxes(side);
    int classes = manifest.classes().size();
    Random random = new Random(options.seed());
    List<Float> losses = new ArrayList<>();
    Trainable.weightsOf(model.getBlock());
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(new FocalLoss())
            .optOptimizer(
                Adam.builder()
                    .optLearningRateTracker(
                        options.cosine()
                            ? CosineTracker.builder()
                                .setBaseValue(options.learningRate())
                                .optFinalValue(0)
                                .setMaxUpdates(Math.max(1, options.steps()))
                                .build()
                            : Tracker.fixed(options.learningRate()))
                    .build());
    long begin = System.nanoTime();
    try (Trainer trainer = model.newTrainer(config);
        NDManager cache = model.getNDManager().newSubManager()) {
      trainer.initialize(new Shape(options.batchSize(), 3, side, side));
      NonFiniteGuard guard = new NonFiniteGuard(options.nonFinite(), model.getBlock());
      List<NDArray> inputs = new ArrayList<>();
      List<List<float[]>> boxes = new ArrayList<>();
      for (Sample sample : samples) {
        Image image = ImageFactory.getInstance().fromImage(sample.field());
        Letterbox box = Letterbox.of(image.getWidth(), image.getHeight(), side);
        inputs.add(
            Letterbox.tensor(cache, image, side, manifest.meanFloats(), manifest.stdFloats(), box));
        List<float[]> scaled = new ArrayList<>();
        for (Box b : sample.boxes()) {
          scaled.add(
              new float[] {
                (float) (b.x() * box.scale()),
                (float) (b.y() * box.scale()),
                (float) ((b.x() + b.width()) * box.scale()),
                (float) ((b.y() + b.height()) * box.scale())
              });
        }
        boxes.add(scaled);
      }
      for (int step = 1; step <= options.steps(); step++) {
        try (NDManager manager = cache.newSubManager()) {
          NDList images = new NDList();
          List<DetectionTargets> targets = new ArrayList<>();
          for (int i = 0; i < options.batchSize(); i++) {
            int s = random.nextInt(samples.size());
            boolean flipX = random.nextBoolean();
            boolean flipY = random.nextBoolean();
            // A flip or stack of a cached field belongs to the cache's manager: each is moved to
            // the step's, or every step would leak its batch and the autograd graph built on it.
            NDArray x = inputs.get(s);
            if (flipX) {
              x = x.flip(2);
              x.attach(manager);
            }
            if (flipY) {
              x = x.flip(1);
              x.attach(manager);
            }
            images.add(x);
            List<float[]> flipped = new ArrayList<>();
            for (float[] b : boxes.get(s)) {
              float x1 = flipX ? side - b[2] : b[0];
              float x2 = flipX ? side - b[0] : b[2];
              float y1 = flipY ? side - b[3] : b[1];
              float y2 = flipY ? side - b[1] : b[3];
              flipped.add(new float[] {x1, y1, x2, y2});
            }
            int[] labels = samples.get(s).boxes().stream().mapToInt(Box::label).toArray();
            targets.add(DetectionTargets.assign(anchors, flipped, labels, classes));
          }
          NDList labels = stack(manager, targets, anchors.length / 4, classes);
          NDArray stacked = NDArrays.stack(images);
          stacked.attach(manager);
          NDList data = new NDList(stacked);
          float loss;
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(data, labels);
            NDArray value = trainer.getLoss().evaluate(labels, predictions);
            collector.backward(value);
            loss = value.getFloat();
          }
          if (guard.admit(loss, 0, step)) {
            trainer.step();
          }
          losses.add(loss);
          progress.accept(new Step(step, options.steps(), loss, (System.nanoTime() - begin) / 1e9));
        }
      }
    }
    model.getBlock().freezeParameters(true);
    return losses;
  }

  private static NDList stack(
      NDManager manager, List<DetectionTargets> targets, int anchors, int classes) {
    int n = targets.size();
    float[] cls = new float[n * anchors * classes];
    float[] valid = new float[n * anchors];
    float[] positive = new float[n * anchors];
    float[] offsets = new float[n * anchors * 4];
    for (int i = 0; i < n; i++) {
      DetectionTargets t = targets.get(i);
      System.arraycopy(t.classes(), 0, cls, i * anchors * classes, anchors * classes);
      System.arraycopy(t.valid(), 0, valid, i * anchors, anchors);
      System.arraycopy(t.positive(), 0, positive, i * anchors, anchors);
      System.arraycopy(t.offsets(), 0, offsets, i * anchors * 4, anchors * 4);
    }
    return new NDList(
        manager.create(cls, new Shape(n, anchors, classes)),
        manager.create(valid, new Shape(n, anchors)),
        manager.create(positive, new Shape(n, anchors)),
        manager.create(offsets, new Shape(n, anchors, 4)));
  }
}
