package org.leukostream.models.inference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.concurrent.TimeUnit;

/**
 * The metrics every model-backed service exports about its models, for dashboards and the
 * models-failing-to-load alert: {@code leukostream_models_ready} (1 once loaded and warmed up),
 * {@code leukostream_models_load_failed} (1 when loading failed: the pod is not live and will be
 * restarted), {@code leukostream_models_load_seconds} (how long loading and warm-up took, NaN
 * before) and the info gauge {@code leukostream_model_info{stage,model,version,device} 1} per model
 * in use.
 */
public final class ModelMeters {
  private ModelMeters() {}

  /**
   * Registers the meters of {@code runtime}'s models on {@code registry}; {@code device} ({@code
   * cpu}, {@code gpu}) labels the info gauge, so dashboards count the GPU pods.
   */
  public static <T extends AutoCloseable> void bind(
      MeterRegistry registry, ModelRuntime<T> runtime, String device) {
    Gauge.builder(
            "leukostream.models.ready",
            runtime,
            r -> r.loading().map(l -> l.isReady() ? 1.0 : 0.0).orElse(0.0))
        .description("1 once the service's models are loaded and warmed up, 0 before")
        .register(registry);
    Gauge.builder(
            "leukostream.models.load.failed",
            runtime,
            r -> r.loading().flatMap(ModelLoad::failure).isPresent() ? 1.0 : 0.0)
        .description("1 when the service's models could not be loaded")
        .register(registry);
    TimeGauge.builder(
            "leukostream.models.load",
            runtime,
            TimeUnit.SECONDS,
            r ->
                r.loading().flatMap(ModelLoad::took).map(d -> d.toNanos() / 1e9).orElse(Double.NaN))
        .description("How long loading and warming up the models took")
        .register(registry);
    MultiGauge info =
        MultiGauge.builder("leukostream.model.info")
            .description("1 per model in use, named by stage, model, version and device")
            .register(registry);
    runtime.whenLoaded(
        loaded ->
            info.register(
                runtime.inUse(loaded).stream()
                    .map(
                        m ->
                            MultiGauge.Row.of(
                                Tags.of(
                                    "stage", m.stage(),
                                    "model", m.manifest().name(),
                                    "version", m.manifest().version(),
                                    "device", device),
                                1.0))
                    .distinct()
                    .toList(),
                true));
  }
}
