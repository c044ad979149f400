package org.leukostream.aggregator.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.Config;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * Hands Quarkus the aggregator topology, built from configuration; its serdes get every registry
 * setting under {@code kafka-streams.} (credentials included), as the Streams clients do.
 */
@ApplicationScoped
public class TopologyProducer {
  private final AggregatorConfig config;
  private final AggregatorMetrics metrics;
  private final Config serviceConfig;

  public TopologyProducer(
      AggregatorConfig config, AggregatorMetrics metrics, Config serviceConfig) {
    this.config = config;
    this.metrics = metrics;
    this.serviceConfig = serviceConfig;
  }

  @Produces
  public Topology buildTopology() {
    return AggregatorTopology.build(
        config.settings(),
        SerdeConfig.settings(
            SerdeConfig.STREAMS_PREFIX, key -> serviceConfig.getOptionalValue(key, String.class)),
        metrics);
  }
}
