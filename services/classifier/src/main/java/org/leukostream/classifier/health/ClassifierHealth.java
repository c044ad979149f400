package org.leukostream.classifier.health;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.leukostream.classifier.messaging.ClassifierRuntime;
import org.leukostream.models.inference.ModelHealthCheck;

/** Readiness: UP once every model is loaded and warm. Liveness: DOWN when one could not be. */
public final class ClassifierHealth {
  private ClassifierHealth() {}

  @Readiness
  @Singleton
  public static class Ready extends ModelHealthCheck {
    public Ready(ClassifierRuntime runtime) {
      super("classifier-models", "models", runtime::models, runtime, false);
    }
  }

  @Liveness
  @Singleton
  public static class Live extends ModelHealthCheck {
    public Live(ClassifierRuntime runtime) {
      super("classifier-models", "models", runtime::models, runtime, true);
    }
  }
}
