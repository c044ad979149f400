package org.leukostream.detector.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.field.FieldDetector;
import org.leukostream.images.ClaimCheckReader;
import org.leukostream.images.FileClaimChecks;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.S3ClaimChecks;
import org.leukostream.images.S3Settings;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.inference.ModelLoad;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the detector once, at start-up, on its own thread (health answers while it loads), warms it
 * up, and hands it to the consumer; fields wait until it is ready. A model that cannot be loaded
 * leaves the service not ready and not live, with the reason in the health answer and the log.
 */
@ApplicationScoped
public class DetectorRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(DetectorRuntime.class);

  private final DetectorConfig config;
  private volatile ModelLoad<Loaded> load;

  public DetectorRuntime(DetectorConfig config) {
    this.config = config;
  }

  /** What the load builds; closing it frees the model and the S3 client. */
  public record Loaded(
      FieldDetector fields, WbcDetector detector, StoredModel model, S3ClaimChecks s3)
      implements AutoCloseable {
    @Override
    public void close() {
      detector.close();
      model.close();
      s3.close();
    }
  }

  void start(@Observes StartupEvent event) {
    load = ModelLoad.start("Detector " + config.model() + " on " + config.device(), this::build);
  }

  private Loaded build() throws Exception {
    StoredModel model = ModelStore.load(config.model(), ModelStore.device(config.device()));
    WbcDetector detector;
    try {
      detector =
          new WbcDetector(
              model,
              new DetectorSettings(
                  config.scoreThreshold(),
                  config.nmsIou(),
                  config.nmsContainment(),
                  config.maxDetections(),
                  config.maxBatch()));
      detector.warmUp(config.warmUp().stream().mapToInt(Integer::intValue).toArray());
    } catch (Exception | LinkageError e) {
      model.close();
      throw e;
    }
    DetectorConfig.ClaimCheck claims = config.claimCheck();
    S3ClaimChecks s3 =
        new S3ClaimChecks(
            new S3Settings(
                claims.s3().endpoint(),
                claims.s3().region(),
                claims.s3().accessKeyId(),
                claims.s3().secretAccessKey(),
                claims.s3().pathStyle(),
                claims.timeout()));
    List<ClaimCheckReader> readers = List.of(new FileClaimChecks(claims.fileRoot()), s3);
    FieldDetector fields =
        new FieldDetector(
            new ImageRefs(readers, config.input().maxBytes(), config.input().maxPixels()),
            detector,
            new CropExtractor(config.crop().margin(), config.crop().size()),
            config.specimenTypes());
    return new Loaded(fields, detector, model, s3);
  }

  /** The loaded detector for one field, waiting for start-up to finish; close after the field. */
  public ModelLoad.Lease<Loaded> lease() throws InterruptedException {
    return load().lease();
  }

  /** True once shutdown has begun (see {@link ModelLoad#isClosing()}). */
  public boolean shuttingDown() {
    return load != null && load.isClosing();
  }

  /** The load, once start-up has begun it. */
  public Optional<ModelLoad<Loaded>> loading() {
    return Optional.ofNullable(load);
  }

  private ModelLoad<Loaded> load() {
    ModelLoad<Loaded> current = load;
    if (current == null) {
      throw new IllegalStateException("Detector runtime not started");
    }
    return current;
  }

  /** {@code name:version} once loaded, the configured location before. */
  public String model() {
    return load == null
        ? config.model()
        : load.now()
            .map(l -> l.fields().model().getName() + ":" + l.fields().model().getVersion())
            .orElse(config.model());
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
