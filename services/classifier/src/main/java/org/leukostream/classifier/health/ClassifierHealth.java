package org.leukostream.classifier.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.leukostream.classifier.messaging.ClassifierRuntime;
import org.leukostream.models.inference.ModelLoad;

/** Readiness: UP once every model is loaded and warm. Liveness: DOWN when one could not be. */
public final class ClassifierHealth {
  private ClassifierHealth() {}

  static HealthCheckResponse models(ClassifierRuntime runtime, boolean liveness) {
    var response =
        HealthCheckResponse.named("classifier-models").withData("models", runtime.models());
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

  @Readiness
  @ApplicationScoped
  public static class Ready implements HealthCheck {
    private final ClassifierRuntime runtime;

    public Ready(ClassifierRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
      return models(runtime, false);
    }
  }

  @Liveness
  @ApplicationScoped
  public static class Live implements HealthCheck {
    private final ClassifierRuntime runtime;

    public Live(ClassifierRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
      return models(runtime, true);
    }
  }
}
