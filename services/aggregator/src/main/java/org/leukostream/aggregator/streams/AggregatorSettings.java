package org.leukostream.aggregator.streams;

import java.time.Duration;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;

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
    Duration finalRetention) {}
