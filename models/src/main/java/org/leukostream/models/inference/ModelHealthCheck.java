package org.leukostream.models.inference;

import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * A model-backed service's health over its {@link ModelRuntime}: readiness UP once the models are
 * loaded and warm; liveness DOWN only when they could not be loaded (a pod that is still loading is
 * alive). The services annotate subclasses with {@code @Readiness} / {@code @Liveness}.
 */
public abstract class ModelHealthCheck implements HealthCheck {
  private final String name;
  private final String dataKey;
  private final Supplier<String> models;
  private final ModelRuntime<?> runtime;
  private final boolean liveness;

  /**
   * @param name the check's name, e.g. {@code detector-model}
   * @param dataKey the key its models are reported under
   * @param models what the runtime loads (or will), e.g. {@code name:version}
   */
  protected ModelHealthCheck(
      String name,
      String dataKey,
      Supplier<String> models,
      ModelRuntime<?> runtime,
      boolean liveness) {
    this.name = name;
    this.dataKey = dataKey;
    this.models = models;
    this.runtime = runtime;
    this.liveness = liveness;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named(name).withData(dataKey, models.get());
    var load = runtime.loading();
    var failure = load.flatMap(ModelLoad::failure);
    if (failure.isPresent()) {
      return response.down().withData("error", String.valueOf(failure.get().getMessage())).build();
    }
    if (load.map(ModelLoad::isReady).orElse(false) || liveness) {
      return response.up().build();
    }
    return response.down().withData("state", "loading").build();
  }
}
