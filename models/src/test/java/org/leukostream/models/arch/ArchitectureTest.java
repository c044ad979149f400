package org.leukostream.models.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class ArchitectureTest {
  static final List<Architecture> SMALL =
      Architecture.ALL.stream()
          .filter(a -> List.of("small", "medium").contains(a.preset()) && !a.isDetector())
          .toList();

  /**
   * torchvision's model cards: sum(p.numel() for p in model.parameters()) with 1000 classes, and
   * the published GFLOPS (multiply-accumulates of one 224 px image).
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "resnet50, paper, 25557032, 4.09",
    "resnext50_32x4d, paper, 25028904, 4.23",
    "resnext101_32x8d, paper, 88791336, 16.41",
    "efficientnet_b0, paper, 5288548, 0.39",
    "vit, vit-b16, 86567656, 17.56"
  })
  void paperSizesMatchTorchvision(String name, String preset, long expected, double gigaMacs) {
    Architecture.Summary summary = Architecture.find(name, preset).orElseThrow().summarize(1000);

    assertThat(summary.params()).isEqualTo(expected);
    assertThat(summary.gflops())
        .isCloseTo(gigaMacs, org.assertj.core.api.Assertions.withinPercentage(2));
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("SMALL")
  void smallClassifierPresetsRunAForwardPassToClassProbabilities(Architecture architecture) {
    int classes = 7;
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = architecture.build(classes);
      Shape input = new Shape(2, 3, architecture.inputSize(), architecture.inputSize());
      block.initialize(manager, DataType.FLOAT32, input);
      NDArray images = manager.randomUniform(0, 1, input);

      NDArray logits =
          block
              .forward(new ParameterStore(manager, false), new NDList(images), false)
              .singletonOrThrow();

      assertThat(logits.getShape()).isEqualTo(new Shape(2, classes));
      assertThat(block.getOutputShapes(new Shape[] {input})[0]).isEqualTo(new Shape(2, classes));
      float[] sums = logits.softmax(-1).sum(new int[] {1}).toFloatArray();
      assertThat(sums[0]).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-4f));
      assertThat(Architecture.trainableParameters(block)).isPositive();
    }
  }

  /**
   * A batch's arrays belong to the batch's manager, not the model's: after many batches in closed
   * sub-managers the model's manager holds what it held before (a ViT once leaked its class token
   * and the autograd graph behind it every batch, until training ran out of memory).
   */
  @ParameterizedTest(name = "{0}")
  @FieldSource("SMALL")
  void aForwardPassLeavesNothingWithTheModelsManager(Architecture architecture) {
    try (ai.djl.Model model = architecture.newModel("leak-check", 3)) {
      NDManager owner = model.getNDManager();
      Shape input = new Shape(2, 3, architecture.inputSize(), architecture.inputSize());
      java.util.function.IntSupplier held =
          () -> ((ai.djl.ndarray.BaseNDManager) owner).getManagedArrays().size();
      int before = held.getAsInt();
      for (int i = 0; i < 3; i++) {
        try (NDManager batch = owner.newSubManager()) {
          NDArray images = batch.randomUniform(0, 1, input);
          model
              .getBlock()
              .forward(new ParameterStore(batch, false), new NDList(images), true)
              .singletonOrThrow()
              .sum()
              .getFloat();
        }
      }
      assertThat(held.getAsInt()).isEqualTo(before);
    }
  }

  /**
   * A convolutional classifier's weights, initialised at its preset's side, classify 96 and 160 px
   * images as they are (global average pooling); {@code withInputSize} records the side and keeps
   * the network, and refuses networks fixed to their side.
   */
  @ParameterizedTest(name = "{0}")
  @FieldSource("SMALL")
  void convolutionalClassifiersRunAtOtherInputSidesWithTheSameWeights(Architecture architecture) {
    if (!architecture.takesAnySize()) {
      assertThat(architecture.name()).isEqualTo("vit");
      assertThat(architecture.withInputSize(architecture.inputSize())).isSameAs(architecture);
      assertThatThrownBy(() -> architecture.withInputSize(architecture.inputSize() + 32))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("takes " + architecture.inputSize() + " px inputs only");
      return;
    }
    try (ai.djl.Model model = architecture.newModel("sides", 3)) {
      long parameters = Architecture.trainableParameters(model.getBlock());
      for (int side : new int[] {96, 160}) {
        Architecture resized = architecture.withInputSize(side);
        assertThat(resized.inputSize()).isEqualTo(side);
        assertThat(resized.summarize(3).params()).isEqualTo(parameters);
        try (NDManager batch = model.getNDManager().newSubManager()) {
          NDArray logits =
              model
                  .getBlock()
                  .forward(
                      new ParameterStore(batch, false),
                      new NDList(batch.randomUniform(0, 1, new Shape(2, 3, side, side))),
                      false)
                  .singletonOrThrow();
          assertThat(logits.getShape()).isEqualTo(new Shape(2, 3));
          assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean())
              .isFalse();
        }
      }
    }
    assertThatThrownBy(() -> architecture.withInputSize(16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too small");
  }

  @Test
  void aDetectorKeepsItsSide() {
    Architecture detector = Architecture.find("retinanet_resnet50_fpn", "small").orElseThrow();
    assertThat(detector.takesAnySize()).isFalse();
    assertThatThrownBy(() -> detector.withInputSize(320))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 256 px inputs only");
  }
}
