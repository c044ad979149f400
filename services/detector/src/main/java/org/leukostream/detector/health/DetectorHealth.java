package org.leukostream.detector.health;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.leukostream.detector.messaging.DetectorRuntime;
import org.leukostream.models.inference.ModelHealthCheck;

/** Readiness: UP once the model is loaded and warm. Liveness: DOWN when it could not be loaded. */
public final class DetectorHealth {
  private DetectorHealth() {}

  @Readiness
  @Singleton
  public static class Ready extends ModelHealthCheck {
    public Ready(DetectorRuntime runtime) {
      super("detector-model", "model", runtime::model, runtime, false);
    }
  }

  @Liveness
  @Singleton
  public static class Live extends ModelHealthCheck {
    public Live(DetectorRuntime runtime) {
      super("detector-model", "model", runtime::model, runtime, true);
    }
  }
}
