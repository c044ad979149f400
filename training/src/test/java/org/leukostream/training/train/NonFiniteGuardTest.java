package org.leukostream.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;

/**
 * A step with a NaN or infinite loss or gradient never reaches the weights: training stops with an
 * error naming the step and the last finite loss, keeping what it saved, or skips the step when
 * told to.
 */
class NonFiniteGuardTest {
  @TempDir Path dir;

  /** A linear layer whose gradients come from {@code scale * sum(layer(x))}. */
  static Block backward(NDManager manager, float scale) {
    Block layer = Linear.builder().setUnits(2).build();
    layer.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3));
    layer.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray y =
          layer
              .forward(
                  new ParameterStore(manager, false),
                  new ai.djl.ndarray.NDList(manager.ones(new Shape(1, 3))),
                  true)
              .singletonOrThrow();
      collector.backward(y.sum().mul(scale));
    }
    return layer;
  }

  @Test
  void aNonFiniteGradientStopsTheRunWithTheStepAndTheLastFiniteLoss() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block good = backward(manager, 1);
      NonFiniteGuard guard = new NonFiniteGuard(NonFiniteGuard.Policy.STOP, good);
      assertThat(guard.admit(0.75f, 3, 11)).isTrue();
      Block bad = backward(manager, Float.NaN);
      NonFiniteGuard stop = new NonFiniteGuard(NonFiniteGuard.Policy.STOP, bad);
      stop.admit(0.5f, 3, 11); // the loss was finite, the gradients not: this stops already
    } catch (NonFiniteTrainingException e) {
      assertThat(e.getMessage())
          .contains("epoch 3, step 11")
          .contains("gradient of")
          .contains("Last finite loss: none")
          .contains("--skip-non-finite");
      return;
    }
    throw new AssertionError("a NaN gradient passed the guard");
  }

  @Test
  void aNaNLossIsNamedWithTheLastFiniteOne() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NonFiniteGuard guard = new NonFiniteGuard(NonFiniteGuard.Policy.STOP, backward(manager, 1));
      assertThat(guard.admit(1.25f, 1, 1)).isTrue();
      assertThatThrownBy(() -> guard.admit(Float.NaN, 1, 2))
          .isInstanceOf(NonFiniteTrainingException.class)
          .hasMessageContaining("epoch 1, step 2: the loss is NaN")
          .hasMessageContaining("Last finite loss: 1.250000 (epoch 1, step 1)")
          .satisfies(
              e -> {
                NonFiniteTrainingException n = (NonFiniteTrainingException) e;
                assertThat(n.step()).isEqualTo(2);
                assertThat(n.lastFiniteLoss()).isEqualTo(1.25f);
              });
    }
  }

  @Test
  void skippingClearsTheStepsGradientsAndCountsIt() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block bad = backward(manager, Float.POSITIVE_INFINITY);
      NonFiniteGuard guard = new NonFiniteGuard(NonFiniteGuard.Policy.SKIP, bad);
      assertThat(guard.admit(0.5f, 0, 4)).isFalse();
      assertThat(guard.skipped()).isEqualTo(1);
      bad.getParameters()
          .forEach(
              p ->
                  assertThat(p.getValue().getArray().getGradient().toFloatArray())
                      .containsOnly(0f));
      // Cleared, the same gradients now pass.
      assertThat(guard.admit(0.5f, 0, 5)).isTrue();
    }
  }

  /**
   * A run that diverges (a learning rate of 1e30 overflows the weights after one update) stops at
   * the first non-finite step; the epoch finished before it stays saved, as best model and as
   * checkpoint, and loads with finite weights.
   */
  @Test
  void aDivergingClassifierRunStopsAndKeepsItsLastGoodEpoch() throws Exception {
    Architecture arch = Architecture.find("resnet50", "small").orElseThrow();
    ModelManifest manifest =
        ModelManifest.of("diverge", arch, "test", ClassifierTrainingTest.CLASSES);
    Path out = dir.resolve("diverge");
    var calm =
        new ClassifierTraining.Options(
            1, 8, 1e-3f, ClassifierTraining.Optimiser.ADAM_COSINE, 0, false, false, 3, 2);
    List<ClassifierTraining.Epoch> first;
    Engine.getEngine("PyTorch").setRandomSeed(5);
    try (Model model = arch.newModel(manifest.name(), 2)) {
      first =
          ClassifierTraining.train(
              model,
              manifest,
              ClassifierTrainingTest.examples(8, 8, 1),
              ClassifierTrainingTest.examples(4, 4, 2),
              calm,
              out,
              step -> {},
              epoch -> {});
    }
    var wild =
        new ClassifierTraining.Options(
            2, 8, 1e30f, ClassifierTraining.Optimiser.ADAM_COSINE, 0, false, false, 3, 2);
    try (StoredModel resumed = ModelStore.load(out.resolve(ClassifierTraining.CHECKPOINT));
        Model model = arch.newModel(manifest.name(), 2)) {
      assertThatThrownBy(
              () ->
                  ClassifierTraining.train(
                      model,
                      manifest,
                      ClassifierTrainingTest.examples(8, 8, 1),
                      ClassifierTrainingTest.examples(4, 4, 2),
                      wild,
                      new ClassifierTraining.Start(resumed.model().getBlock(), 0, first),
                      out,
                      step -> {},
                      epoch -> {}))
          .isInstanceOf(NonFiniteTrainingException.class)
          .hasMessageContaining("epoch 2, step 2")
          .hasMessageMatching("(?s).*Last finite loss: [0-9.]+ \\(epoch 2, step 1\\).*");
    }
    assertThat(ClassifierTraining.checkpointHistory(out)).isEqualTo(first);
    try (StoredModel saved = ModelStore.load(out)) {
      saved
          .model()
          .getBlock()
          .getParameters()
          .forEach(
              p -> {
                NDArray w = p.getValue().getArray();
                assertThat(w.isNaN().logicalOr(w.isInfinite()).any().getBoolean())
                    .as(p.getKey())
                    .isFalse();
              });
    }
  }
}
