package org.leukostream.detector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.leukostream.avro.SpecimenType;
import org.leukostream.schemas.messaging.RetrySettings;

/**
 * {@code leukostream.detector.*}: the model, its thresholds, crops, input limits, claim checks,
 * retries.
 */
@ConfigMapping(prefix = "leukostream.detector")
public interface DetectorConfig {

  /** The detector's model directory, or {@code classpath:dir} for one packed in the application. */
  String model();

  /** {@code cpu}, {@code cuda} or {@code cuda:N}; a GPU needs the GPU build of the engine. */
  @WithDefault("cpu")
  String device();

  /** Lowest detector score kept as a cell. */
  @WithDefault("0.5")
  double scoreThreshold();

  /** Overlap above which the weaker of two boxes is dropped. */
  @WithDefault("0.5")
  double nmsIou();

  /**
   * Share of the smaller of two boxes lying inside the other above which the weaker is dropped (a
   * cell found twice, once around a nucleus or lobe); 1 turns it off.
   */
  @WithDefault("1")
  double nmsContainment();

  /** Most cells kept per field. */
  @WithDefault("300")
  int maxDetections();

  /** Fields per forward pass. */
  @WithDefault("4")
  int maxBatch();

  /** Batch sizes run through the model at start-up, before readiness turns UP. */
  @WithDefault("1")
  List<Integer> warmUp();

  /** Specimen types the model was trained for; a field of another type is rejected. */
  @WithDefault("PERIPHERAL_BLOOD,BONE_MARROW")
  Set<SpecimenType> specimenTypes();

  /** Longest a field's outputs may take to be acknowledged by the broker before the field fails. */
  @WithDefault("2m")
  Duration sendTimeout();

  Crop crop();

  Input input();

  ClaimCheck claimCheck();

  /**
   * A failure that is not the field's (its claim-check store cannot serve it, or the model fails on
   * a plain field too): tried this often, with growing waits, before the service stops consuming
   * (health DOWN, the field uncommitted) instead of rejecting a good field.
   */
  RetrySettings retry();

  /** How a cell is cut out for the classifier. */
  interface Crop {
    /** Context around the box on every side, as a fraction of its longer side. */
    @WithDefault("0.15")
    double margin();

    /** Side of the square PNG crop in pixels (the classifier resizes to its own input). */
    @WithDefault("128")
    int size();
  }

  /** Limits on field images, checked before decoding. */
  interface Input {
    /** Largest encoded image accepted, inline or fetched. */
    @WithDefault("33554432")
    long maxBytes();

    /**
     * Largest decoded image accepted (width x height), against decompression bombs and
     * out-of-memory restarts: checked from the header, before decoding.
     */
    @WithDefault("36000000")
    long maxPixels();
  }

  /** Where images behind a claim check are fetched from. */
  interface ClaimCheck {
    /**
     * Directory {@code file://} claim checks must lie under (after {@code ..} and links); unset,
     * every {@code file://} claim check is refused.
     */
    Optional<Path> fileRoot();

    /** Limit for fetching one image. */
    @WithDefault("30s")
    Duration timeout();

    S3 s3();
  }

  /** The S3 (or S3-compatible) store behind {@code s3://bucket/key} claim checks. */
  interface S3 {
    /** Endpoint of an S3-compatible store (MinIO, Ceph); unset uses AWS's regional endpoint. */
    Optional<URI> endpoint();

    @WithDefault("us-east-1")
    String region();

    /** Static credentials; unset uses the default chain (environment, profile, IRSA, IMDS). */
    Optional<String> accessKeyId();

    Optional<String> secretAccessKey();

    /**
     * Path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible stores want.
     */
    @WithDefault("false")
    boolean pathStyle();
  }
}
