package org.leukostream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.metric.Metrics;
import ai.djl.metric.Unit;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The classifier bench's "resize and tensors" time from DJL's per-batch predictor metrics. */
class PreprocessTimingTest {

  private static void batch(Metrics m, int items, long pre, long inference, long post) {
    m.addMetric("Preprocess", pre, Unit.MICROSECONDS);
    m.addMetric("Inference", inference, Unit.MICROSECONDS);
    m.addMetric("Postprocess", post, Unit.MICROSECONDS);
    m.addMetric("Prediction", items * (pre + inference + post), Unit.MICROSECONDS);
  }

  /** Per-item times weighted by each batch's size, not summed as if each batch were one item. */
  @Test
  void eachBatchsPreparationIsItsShareOfTheWholeBatch() {
    Metrics metrics = new Metrics();
    batch(metrics, 32, 50, 100, 10);
    batch(metrics, 8, 100, 200, 20);

    assertThat(ServiceThroughKafka.preprocessMicros(metrics))
        .isCloseTo(32 * 50 + 8 * 100, within(1e-6));
    assertThat(ServiceThroughKafka.preprocessMicros(new Metrics())).isZero();
  }

  /** What the computation relies on: this DJL records one entry of each timing per batch. */
  @Test
  void djlRecordsOneEntryOfEachTimingPerBatch() throws Exception {
    Translator<float[], float[]> translator =
        new Translator<>() {
          @Override
          public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(input));
          }

          @Override
          public float[] processOutput(TranslatorContext ctx, NDList list) {
            return list.head().toFloatArray();
          }
        };
    Metrics metrics = new Metrics();
    try (Model model = Model.newInstance("probe", "PyTorch")) {
      model.setBlock(Linear.builder().setUnits(2).build());
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
      try (Predictor<float[], float[]> predictor = model.newPredictor(translator)) {
        predictor.setMetrics(metrics);
        float[] x = {1, 2, 3};
        predictor.batchPredict(List.of(x, x, x, x));
        predictor.batchPredict(List.of(x));
        predictor.batchPredict(List.of(x, x));
      }
    }
    for (String name : List.of("Preprocess", "Inference", "Postprocess", "Prediction")) {
      assertThat(metrics.getMetric(name)).as(name).hasSize(3);
    }
  }
}
