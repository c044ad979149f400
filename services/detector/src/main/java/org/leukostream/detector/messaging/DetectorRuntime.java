package org.leukostream.detector.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.core.LoadedDetector;
import org.leukostream.models.inference.ModelLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the detector ({@link LoadedDetector}) once, at start-up, on its own thread (health answers
 * while it loads), and hands it to the consumer; fields wait until it is ready. A model that cannot
 * be loaded leaves the service not ready and not live, with the reason in the health answer and the
 * log.
 */
@ApplicationScoped
public class DetectorRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DetectorRuntime.class);

  private final DetectorConfig config;
  private volatile ModelLoad<LoadedDetector> load;

  public DetectorRuntime(DetectorConfig config) {
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    load =
        ModelLoad.start(
            "Detector " + config.model() + " on " + config.device(),
            () -> LoadedDetector.load(config));
  }

  /** The loaded detector for one field, waiting for start-up to finish; close after the field. */
  public ModelLoad.Lease<LoadedDetector> lease() throws InterruptedException {
    return load().lease();
  }

  /** True once shutdown has begun (see {@link ModelLoad#isClosing()}). */
  public boolean shuttingDown() {
    return load != null && load.isClosing();
  }

  /** The load, once start-up has begun it. */
  public Optional<ModelLoad<LoadedDetector>> loading() {
    return Optional.ofNullable(load);
  }

  private ModelLoad<LoadedDetector> load() {
    ModelLoad<LoadedDetector> current = load;
    if (current == null) {
      throw new IllegalStateException("Detector runtime not started");
    }
    return current;
  }

  /** {@code name:version} once loaded, the configured location before. */
  public String model() {
    return load == null
        ? config.model()
        : load.now().map(l -> l.detector().manifest().id()).orElse(config.model());
  }

  void stop(@Observes ShutdownEvent event) {
    if (load != null) {
      try {
        load.close();
      } catch (Exception e) {
        LOG.warn("Closing the detector failed: {}", e.toString());
      }
    }
  }
}
