package org.leukostream.detector.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.leukostream.detector.messaging.DetectorRuntime;
import org.leukostream.models.inference.ModelLoad;

/** Readiness: UP once the model is loaded and warm. Liveness: DOWN when it could not be loaded. */
public final class DetectorHealth {
  private DetectorHealth() {}

  static HealthCheckResponse model(String name, DetectorRuntime runtime, boolean liveness) {
    var response = HealthCheckResponse.named(name).withData("model", runtime.model());
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
    private final DetectorRuntime runtime;

    public Ready(DetectorRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
      return model("detector-model", runtime, false);
    }
  }

  @Liveness
  @ApplicationScoped
  public static class Live implements HealthCheck {
    private final DetectorRuntime runtime;

    public Live(DetectorRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
      return model("detector-model", runtime, true);
    }
  }
}
