package org.leukostream.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PredictorsTest {

  /**
   * LibTorch's grad mode is per thread, and a new thread starts with it on: a forward pass on a
   * service's worker thread must not record the graph, and the thread's mode is left as it was.
   */
  @Test
  void aForwardPassOnAFreshThreadRecordsNoGraphAndLeavesTheThreadsModeAsItWas() throws Exception {
    AtomicBoolean recording = new AtomicBoolean(true);
    Translator<float[], float[]> translator =
        new Translator<>() {
          @Override
          public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(input));
          }

          @Override
          public float[] processOutput(TranslatorContext ctx, NDList list) {
            recording.set(JniUtils.isGradMode());
            return list.head().toFloatArray();
          }
        };
    try (Model model = Model.newInstance("probe", "PyTorch")) {
      model.setBlock(Linear.builder().setUnits(2).build());
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
      try (Predictors<float[], float[]> predictors = new Predictors<>(model, translator, 4)) {
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread worker =
            new Thread(
                () -> {
                  try {
                    boolean before = JniUtils.isGradMode();
                    List<float[]> out = predictors.predict(List.of(new float[] {1, 2, 3}));
                    seen.set(List.of(before, out.get(0).length, JniUtils.isGradMode()));
                  } catch (Exception e) {
                    seen.set(e);
                  }
                });
        worker.start();
        worker.join();

        assertThat(seen.get()).as("before, outputs, after").isEqualTo(List.of(true, 2, true));
        assertThat(recording).as("grad mode during the forward pass").isFalse();
      }
    }
  }
}
