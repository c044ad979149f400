package org.leukostream.aggregator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.leukostream.aggregator.decision.CallRates;
import org.leukostream.aggregator.decision.LabelPolicy;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.Comparison;
import org.leukostream.config.ForwardingSettings;
import org.leukostream.schemas.signoff.SignOffSeal;

/** The aggregator's own settings, {@code leukostream.aggregator.*} in application.properties. */
@ConfigMapping(prefix = "leukostream.aggregator")
public interface AggregatorConfig {
  Rule rule();

  TaxonomyConfig taxonomy();

  /** Shortest time between two PRELIMINARY events of one case. */
  Duration preliminaryInterval();

  /** A case silent this long is finalised as INCOMPLETE. */
  Duration incompleteTimeout();

  /** How often timeouts and pending updates are checked. */
  Duration punctuateInterval();

  /** How long a decided case is remembered so that late duplicates change nothing. */
  Duration finalRetention();

  /** How a case query that reaches the wrong instance is forwarded to the owner. */
  ForwardingSettings forwarding();

  /** The pipeline in front of the aggregator, watched before a silent case is called stalled. */
  UpstreamConfig upstream();

  /**
   * The bridge's seal key ({@code LEUKOSTREAM_SIGNOFF_SEAL_KEY}, the same Secret): a REOPENED event
   * counts only with its seal; unset, every reopening is dead-lettered.
   */
  Optional<String> reopenSealKey();

  /** {@link AggregatorSettings.Upstream} as configured. */
  interface UpstreamConfig {
    /** The consumer groups before the aggregator, in pipeline order; none: wall clock alone. */
    Optional<List<StageConfig>> stages();

    /** How often their offsets are read. */
    @WithDefault("5s")
    Duration sampleInterval();
  }

  /** A consumer group and the topics it reads. */
  interface StageConfig {
    String group();

    Set<String> topics();
  }

  /** The diagnostic rule (default: Zhou et al. 2021, lymphoblasts > 20%). */
  interface Rule {
    String name();

    Comparison comparison();

    double thresholdPercent();

    int minimumCells();

    LabelPolicy policy();

    double blastProbabilityThreshold();

    /**
     * Use the blast threshold a label carries from ensemble A's operating point (chosen on
     * validation, in its members' manifests) over {@link #blastProbabilityThreshold()}.
     */
    @WithDefault("true")
    boolean modelOperatingPoint();

    /** The chain's validation rates of counting a cell as a lymphoblast; absent: raw share only. */
    Optional<Rates> rates();

    /** With rates: decide on the adjusted estimate (true) or on the raw share (false). */
    @WithDefault("true")
    boolean decideOnAdjusted();
  }

  /** {@link CallRates} as configured. */
  interface Rates {
    double truePositiveRate();

    double falsePositiveRate();

    int blasts();

    int nonBlasts();

    String measuredOn();
  }

  /** What ensemble B's class names mean for counting. */
  interface TaxonomyConfig {
    String lymphoblastClass();

    Set<String> lymphoidClasses();

    Set<String> nonNucleatedClasses();
  }

  default AggregatorSettings settings() {
    Rule r = rule();
    return new AggregatorSettings(
        new RuleSettings(
                r.name(),
                r.comparison(),
                r.thresholdPercent(),
                r.minimumCells(),
                r.policy(),
                r.blastProbabilityThreshold())
            .withRates(
                r.rates()
                    .map(
                        x ->
                            new CallRates(
                                x.truePositiveRate(),
                                x.falsePositiveRate(),
                                x.blasts(),
                                x.nonBlasts(),
                                x.measuredOn()))
                    .orElse(null),
                r.decideOnAdjusted())
            .withModelOperatingPoint(r.modelOperatingPoint()),
        new Taxonomy(
            taxonomy().lymphoblastClass(),
            taxonomy().lymphoidClasses(),
            taxonomy().nonNucleatedClasses()),
        preliminaryInterval(),
        incompleteTimeout(),
        punctuateInterval(),
        finalRetention(),
        new AggregatorSettings.Upstream(
            upstream().stages().orElse(List.of()).stream()
                .map(s -> new AggregatorSettings.Upstream.Stage(s.group(), s.topics()))
                .toList(),
            upstream().sampleInterval()),
        reopenSealKey().map(SignOffSeal::new));
  }
}
