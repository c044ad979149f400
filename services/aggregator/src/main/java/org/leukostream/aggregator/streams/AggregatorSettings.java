package org.leukostream.aggregator.streams;

import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.leukostream.aggregator.decision.CallRates;
import org.leukostream.aggregator.decision.LabelPolicy;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.avro.Comparison;
import org.leukostream.schemas.ServiceProperties;

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
   * The settings from the aggregator's {@code application.properties} with the {@code
   * leukostream.aggregator.*} keys of {@code overrides} over them (the demo's {@code --config}).
   */
  public static AggregatorSettings fromApplicationProperties(Properties overrides) {
    Properties p =
        ServiceProperties.load(AggregatorSettings.class.getClassLoader(), "leukostream-aggregator");
    overrides.stringPropertyNames().stream()
        .filter(key -> key.startsWith(PREFIX))
        .forEach(key -> p.setProperty(key, overrides.getProperty(key)));
    return fromProperties(p);
  }

  /** The settings from {@code leukostream.aggregator.*} keys. */
  public static AggregatorSettings fromProperties(Properties p) {
    return new AggregatorSettings(
        new RuleSettings(
                required(p, "rule.name"),
                Comparison.valueOf(required(p, "rule.comparison")),
                Double.parseDouble(required(p, "rule.threshold-percent")),
                Integer.parseInt(required(p, "rule.minimum-cells")),
                LabelPolicy.valueOf(required(p, "rule.policy")),
                Double.parseDouble(required(p, "rule.blast-probability-threshold")))
            .withRates(
                rates(p),
                Boolean.parseBoolean(
                    p.getProperty(PREFIX + "rule.decide-on-adjusted", "true").trim())),
        new Taxonomy(
            required(p, "taxonomy.lymphoblast-class"),
            list(required(p, "taxonomy.lymphoid-classes")),
            list(required(p, "taxonomy.non-nucleated-classes"))),
        duration(required(p, "preliminary-interval")),
        duration(required(p, "incomplete-timeout")),
        duration(required(p, "punctuate-interval")),
        duration(required(p, "final-retention")));
  }

  /** The {@code rule.rates.*} group, or null when it is absent. */
  private static CallRates rates(Properties p) {
    if (p.getProperty(PREFIX + "rule.rates.true-positive-rate") == null) {
      return null;
    }
    return new CallRates(
        Double.parseDouble(required(p, "rule.rates.true-positive-rate")),
        Double.parseDouble(required(p, "rule.rates.false-positive-rate")),
        Integer.parseInt(required(p, "rule.rates.blasts")),
        Integer.parseInt(required(p, "rule.rates.non-blasts")),
        required(p, "rule.rates.measured-on"));
  }

  private static String required(Properties p, String key) {
    String value = p.getProperty(PREFIX + key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing setting " + PREFIX + key);
    }
    return value.trim();
  }

  private static Set<String> list(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * A duration as Quarkus writes it: ISO-8601 ({@code PT5S}) or a number and a unit (ms, s, m, h,
   * d).
   */
  static Duration duration(String value) {
    if (value.startsWith("P") || value.startsWith("p")) {
      return Duration.parse(value);
    }
    var matcher = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(value);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("Not a duration: '" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
