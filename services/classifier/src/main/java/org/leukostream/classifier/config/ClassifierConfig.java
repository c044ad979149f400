package org.leukostream.classifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.leukostream.schemas.messaging.RetrySettings;

/**
 * {@code leukostream.classifier.*}: the three stages' models, the batching, the device, retries.
 *
 * <pre>
 * leukostream.classifier.countable.members[0].model=/models/countable
 * leukostream.classifier.wbc.members[0].model=/models/wbc-resnext101   (weights default to equal)
 * leukostream.classifier.blast.members[0].model=/models/blast-vit
 * leukostream.classifier.blast.members[0].weight=0.7
 * </pre>
 */
@ConfigMapping(prefix = "leukostream.classifier")
public interface ClassifierConfig {

  /** {@code cpu}, {@code cuda} or {@code cuda:N}; a GPU needs the GPU build of the engine. */
  @WithDefault("cpu")
  String device();

  /** Stage 1: countable vs uncountable (crushed, degenerated, naked nuclei...). */
  Stage countable();

  /** Ensemble B: the WBC class of every crop (Zhou et al.: mean of three ResNe(X)ts). */
  Stage wbc();

  /** Ensemble A: blast vs normal lymphoid cell (Jiang et al.: 0.7 ViT + 0.3 EfficientNet-b0). */
  Optional<Stage> blast();

  /**
   * Ensemble A runs only on the crops stage 1 keeps and ensemble B calls lymphoid (a class of role
   * {@code LYMPHOID} or {@code LYMPHOBLAST}), the only cells whose A verdict the decision policies
   * read; the other labels carry no blast probability. False runs A on every crop.
   */
  @WithDefault("true")
  boolean cascade();

  /** Countable probability at or above which a cell is countable. */
  @WithDefault("0.5")
  double countableThreshold();

  Batch batch();

  /** Longest a batch's labels may take to be acknowledged by the broker before the batch fails. */
  @WithDefault("2m")
  Duration sendTimeout();

  /**
   * Largest crop accepted (width x height), checked from the header before decoding; a bigger one
   * is dead-lettered. A poll's crops are decoded together, so this times the batch size bounds it.
   */
  @WithDefault("1048576")
  long cropMaxPixels();

  /**
   * An engine that fails on a plain crop too (out of memory, a lost GPU: not the crops' fault): the
   * batch is tried this often, with growing waits, before the service stops consuming (health DOWN,
   * the poll uncommitted) instead of dead-lettering good crops.
   */
  RetrySettings retry();

  /** One stage: a model, or an ensemble whose members' probabilities are summed with weights. */
  interface Stage {
    List<Member> members();
  }

  /** A member model and its weight; members without weights share the rest equally. */
  interface Member {
    /** Model directory, or {@code classpath:dir} for one packed in the application. */
    String model();

    Optional<Double> weight();
  }

  /**
   * Inference batches. The consumer's polls carry at most {@code max-size} crops ({@code
   * max.poll.records}) and the broker holds a fetch up to {@code max-wait} for {@code fill-bytes}
   * to arrive ({@code fetch.max.wait.ms}, {@code fetch.min.bytes}), so a batch fills under load and
   * leaves after at most {@code max-wait} when traffic is light.
   */
  interface Batch {
    @WithDefault("32")
    int maxSize();

    /**
     * Longest the broker holds a fetch to fill a batch (the channel's {@code fetch.max.wait.ms}).
     */
    @WithDefault("50")
    int maxWaitMs();

    /**
     * Bytes a fetch waits for, about {@code max-size} crops (the channel's {@code
     * fetch.min.bytes}).
     */
    @WithDefault("524288")
    int fillBytes();

    /** Batch sizes run through every model at start-up, before readiness turns UP. */
    @WithDefault("1,32")
    List<Integer> warmUp();
  }
}
