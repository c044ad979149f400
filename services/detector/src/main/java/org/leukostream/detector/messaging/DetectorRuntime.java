package org.leukostream.detector.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.core.LoadedDetector;
import org.leukostream.models.inference.ModelRuntime;

/**
 * Loads the detector ({@link LoadedDetector}) once, at start-up, on its own thread (health answers
 * while it loads), and hands it to the consumer; fields wait until it is ready. A model that cannot
 * be loaded leaves the service not ready and not live, with the reason in the health answer and the
 * log.
 */
@ApplicationScoped
public class DetectorRuntime extends ModelRuntime<LoadedDetector> {
  private final DetectorConfig config;

  public DetectorRuntime(DetectorConfig config) {
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    startLoading(
        "Detector " + config.model() + " on " + config.device(), () -> LoadedDetector.load(config));
  }

  /** {@code name:version} once loaded, the configured location before. */
  public String model() {
    return describe(l -> l.detector().manifest().id(), config.model(), config.model());
  }

  @Override
  public List<InUse> inUse(LoadedDetector loaded) {
    return List.of(new InUse("detector", loaded.detector().manifest()));
  }

  void stop(@Observes ShutdownEvent event) {
    stopLoading();
  }
}
