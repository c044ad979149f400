package org.leukostream.detector.core;

import java.util.List;
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
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;

/**
 * The detector as its settings describe it, loaded and warmed up: what the service's runtime loads
 * at start-up and the demo loads in its process. Closing it frees the model and the S3 client.
 */
public record LoadedDetector(
    FieldDetector fields, WbcDetector detector, StoredModel model, S3ClaimChecks s3)
    implements AutoCloseable {

  /** Loads the model, warms it up at the configured batch sizes and builds the field reader. */
  public static LoadedDetector load(DetectorConfig config) throws Exception {
    StoredModel model = model(config);
    WbcDetector detector;
    try {
      detector = detector(model, config);
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
            cropExtractor(config),
            config.specimenTypes());
    return new LoadedDetector(fields, detector, model, s3);
  }

  /** The configured model, on the configured device; the caller closes it. */
  public static StoredModel model(DetectorConfig config) {
    return ModelStore.load(config.model(), ModelStore.device(config.device()));
  }

  /** {@code model} at the configured operating point; the caller closes it. */
  public static WbcDetector detector(StoredModel model, DetectorConfig config) {
    return new WbcDetector(
        model,
        new DetectorSettings(
            config.scoreThreshold(),
            config.nmsIou(),
            config.nmsContainment(),
            config.maxDetections(),
            config.maxBatch()));
  }

  /** How the service cuts a detected cell out of its field. */
  public static CropExtractor cropExtractor(DetectorConfig config) {
    return new CropExtractor(config.crop().margin(), config.crop().size());
  }

  @Override
  public void close() {
    detector.close();
    model.close();
    s3.close();
  }
}
