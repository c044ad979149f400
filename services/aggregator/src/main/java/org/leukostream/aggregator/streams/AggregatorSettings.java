package org.leukostream.aggregator.streams;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.config.ServiceSettings;
import org.leukostream.schemas.signoff.SignOffSeal;

/**
 * Everything the topology needs from configuration, as plain values so tests build it without
 * Quarkus.
 *
 * @param rule the diagnostic rule
 * @param taxonomy what ensemble B's classes mean for counting
 * @param preliminaryInterval shortest time between two PRELIMINARY events of a case
 * @param incompleteTimeout a case with no record for this long is finalised as INCOMPLETE
 * @param punctuateInterval how often timeouts and pending updates are checked (wall clock)
 * @param finalRetention how long a finalised case is remembered, so late duplicates change nothing
 * @param upstream the stages before the aggregator whose progress decides when a silent case is
 *     stalled (see {@link PipelineWatermark})
 * @param reopenSeal the bridge's seal, which a REOPENED event must carry; empty: every reopening is
 *     refused (dead-lettered)
 */
public record AggregatorSettings(
    RuleSettings rule,
    Taxonomy taxonomy,
    Duration preliminaryInterval,
    Duration incompleteTimeout,
    Duration punctuateInterval,
    Duration finalRetention,
    Upstream upstream,
    Optional<SignOffSeal> reopenSeal) {
  /** The configuration prefix, shared with {@code AggregatorConfig}. */
  public static final String PREFIX = "leukostream.aggregator.";

  /**
   * The pipeline in front of the aggregator, watched so that a case waiting on a stage that is down
   * or behind is not finalised as INCOMPLETE.
   *
   * @param stages the consumer groups before the aggregator, in pipeline order; none: silence is
   *     measured by the wall clock alone
   * @param sampleInterval how often their offsets are read
   */
  public record Upstream(List<Stage> stages, Duration sampleInterval) {
    /** Nothing watched: silence by the wall clock alone. */
    public static final Upstream NONE = new Upstream(List.of(), Duration.ofSeconds(5));

    public Upstream {
      stages = List.copyOf(stages);
    }

    /** One stage: a consumer group and the topics it reads. */
    public record Stage(String group, Set<String> topics) {
      public Stage {
        topics = Set.copyOf(topics);
      }
    }
  }

  /** These settings with {@code upstream} watched. */
  public AggregatorSettings withUpstream(Upstream upstream) {
    return new AggregatorSettings(
        rule,
        taxonomy,
        preliminaryInterval,
        incompleteTimeout,
        punctuateInterval,
        finalRetention,
        upstream,
        reopenSeal);
  }

  /** These settings with reopenings checked against {@code seal}. */
  public AggregatorSettings withReopenSeal(SignOffSeal seal) {
    return new AggregatorSettings(
        rule,
        taxonomy,
        preliminaryInterval,
        incompleteTimeout,
        punctuateInterval,
        finalRetention,
        upstream,
        Optional.of(seal));
  }

  /**
   * The settings from the aggregator's {@code application.properties} (this module's resource), for
   * running the topology outside Quarkus (benchmarks, the embedded demo). Profile lines ({@code
   * %test.}) are ignored.
   */
  public static AggregatorSettings fromApplicationProperties() {
    return fromApplicationProperties(new Properties());
  }

  /**
   * The settings from the aggregator's {@code application.properties} with {@code overrides} over
   * them (the demo's {@code --config}), read through the service's own mapping ({@link
   * AggregatorConfig}) as the service reads them.
   */
  public static AggregatorSettings fromApplicationProperties(Properties overrides) {
    return ServiceSettings.load(AggregatorConfig.class, "leukostream-aggregator", overrides)
        .settings();
  }
}
