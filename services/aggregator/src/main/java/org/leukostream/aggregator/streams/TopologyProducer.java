package org.leukostream.aggregator.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.schemas.serde.SerdeConfig;

/** Hands Quarkus the aggregator topology, built from configuration. */
@ApplicationScoped
public class TopologyProducer {
  private final AggregatorConfig config;
  private final AggregatorMetrics metrics;
  private final String registryUrl;

  public TopologyProducer(
      AggregatorConfig config,
      AggregatorMetrics metrics,
      @ConfigProperty(name = "kafka-streams." + SerdeConfig.SCHEMA_REGISTRY_URL)
          String registryUrl) {
    this.config = config;
    this.metrics = metrics;
    this.registryUrl = registryUrl;
  }

  @Produces
  public Topology buildTopology() {
    return AggregatorTopology.build(
        config.settings(), Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), metrics);
  }
}
