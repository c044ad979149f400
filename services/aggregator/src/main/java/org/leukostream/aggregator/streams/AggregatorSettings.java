package org.leukostream.aggregator.streams;

import java.time.Duration;
import java.util.Properties;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.config.ServiceSettings;

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
 */
public record AggregatorSettings(
    RuleSettings rule,
    Taxonomy taxonomy,
    Duration preliminaryInterval,
    Duration incompleteTimeout,
    Duration punctuateInterval,
    Duration finalRetention) {
  /** The configuration prefix, shared with {@code AggregatorConfig}. */
  public static final String PREFIX = "leukostream.aggregator.";

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
