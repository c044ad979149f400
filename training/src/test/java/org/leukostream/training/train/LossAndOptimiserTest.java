package org.leukostream.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/**
 * RAdam and symmetric cross-entropy against values worked out by hand from the papers' formulas (in
 * double precision, independently of this code: see the comments).
 */
class LossAndOptimiserTest {

  @Test
  void symmetricCrossEntropyMatchesHandValues() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.create(new float[][] {{2, 1, 0}, {0.5f, -1, 3}});
      NDArray labels = manager.create(new float[] {0, 1});
      // Row 1: softmax(2,1,0) = (0.665241, 0.244728, 0.090031); CE = -ln 0.665241 = 0.407606;
      // RCE = -A (1 - p_y) = 4 x 0.334759 = 1.339036.
      // Row 2: softmax(0.5,-1,3) = (0.074596, 0.016645, 0.908760); CE = 4.095674; RCE = 3.933422.
      float both =
          new SymmetricCrossEntropy().evaluate(new NDList(labels), new NDList(logits)).getFloat();
      assertThat(both).isCloseTo(4.887869f, within(1e-4f)); // mean of 1.746642 and 8.029096
      float weighted =
          new SymmetricCrossEntropy(0.1f, 1f, SymmetricCrossEntropy.A)
              .evaluate(new NDList(labels), new NDList(logits))
              .getFloat();
      assertThat(weighted).isCloseTo(2.861393f, within(1e-4f));
    }
  }

  @Test
  void radamTakesMomentumStepsUntilRhoExceedsFourThenRectifiedOnes() {
    RAdam radam =
        RAdam.builder().optLearningRateTracker(Tracker.fixed(0.1f)).setRescaleGrad(1f).build();
    // rho_inf = 2 / 0.001 - 1 = 1999; rho_t = 1999 - 2 t 0.999^t / (1 - 0.999^t):
    assertThat(radam.rho(1)).isCloseTo(1.0, within(1e-6));
    assertThat(radam.rho(4)).isCloseTo(3.997499, within(1e-5));
    assertThat(radam.rho(5)).isCloseTo(4.995998, within(1e-5));
    assertThat(radam.rectification(4)).isZero();
    assertThat(radam.rectification(5)).isPositive();

    float[] grads = {0.5f, -0.2f, 0.3f, 0.1f, 0.4f, -0.6f, 0.2f, 0.5f};
    // w after each step, from the update rule in double precision (w0 = 1, lr 0.1):
    double[] expected = {
      0.95, 0.9368421, 0.9174694, 0.9008221, 0.8996553, 0.8993388, 0.8986552, 0.8971430
    };
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray weight = manager.create(new float[] {1f});
      for (int t = 0; t < grads.length; t++) {
        radam.update("w", weight, manager.create(new float[] {grads[t]}));
        assertThat((double) weight.getFloat(0))
            .as("w after step %d", t + 1)
            .isCloseTo(expected[t], within(2e-6));
      }
    }
  }

  /** Updates leave no temporaries behind: what the weight's manager holds stops growing. */
  @Test
  void radamStepsLeaveNoTemporariesWithTheWeightsManager() {
    RAdam radam =
        RAdam.builder()
            .optLearningRateTracker(Tracker.fixed(0.1f))
            .setRescaleGrad(1f)
            .optWeightDecays(0.01f)
            .optClipGrad(1f)
            .build();
    try (NDManager manager = NDManager.newBaseManager();
        NDManager grads = NDManager.newBaseManager()) {
      NDArray weight = manager.create(new float[] {1f, 2f});
      java.util.function.IntSupplier held =
          () -> ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
      radam.update("w", weight, grads.create(new float[] {0.5f, -0.2f}));
      int afterOne = held.getAsInt();
      for (int t = 0; t < 9; t++) {
        radam.update("w", weight, grads.create(new float[] {0.5f, -0.2f}));
      }
      assertThat(afterOne).isLessThanOrEqualTo(3); // the weight and at most its two moments
      assertThat(held.getAsInt()).isEqualTo(afterOne);
    }
  }
}
