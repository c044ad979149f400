package org.leukostream.training.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.training.testing.TestModels;

/**
 * The first backward passes of the small RetinaNet have finite gradients, from many fresh weight
 * initialisations. Issue 17: on AVX-512 CPUs LibTorch's convolution backward returned NaN input
 * gradients now and then for the heads' output convolutions (3 and 12 channels, not whole SIMD
 * blocks), in most first steps; the training guard then stopped the run at step 1. With the heads
 * computed in whole blocks ({@code BlockAlignedConv2d}) no run may meet a NaN.
 */
class DetectorGradientsTest {
  @Test
  void firstStepsHaveFiniteGradientsFromEveryInitialisation() {
    ModelManifest manifest =
        ModelManifest.of("grad-check", TestModels.SMALL_DETECTOR, "1", TestModels.WBC);
    List<DetectorTraining.Sample> samples =
        TestModels.fields(21, 4).stream().map(TestModels::sample).toList();
    for (int run = 0; run < 12; run++) {
      Engine.getEngine("PyTorch").setRandomSeed(100 + run);
      try (Model model =
          TestModels.SMALL_DETECTOR.newModel(manifest.name(), TestModels.WBC.size())) {
        // The guard (default: stop) throws on the first non-finite gradient, naming the step.
        List<Float> losses =
            DetectorTraining.train(
                model,
                TestModels.SMALL_DETECTOR,
                manifest,
                samples,
                new DetectorTraining.Options(2, 4, 1e-3f, run),
                step -> {});
        assertThat(losses).as("run %d", run).allSatisfy(l -> assertThat(l).isFinite());
      }
    }
  }
}
