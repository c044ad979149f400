package org.leukostream.aggregator.streams;

import io.opentelemetry.api.trace.Tracer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.Config;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * Hands Quarkus the aggregator topology, built from configuration; its serdes get every registry
 * setting under {@code kafka-streams.} (credentials included), as the Streams clients do, and the
 * pipeline watermark reads offsets with the Streams clients' bootstrap and security settings.
 */
@ApplicationScoped
public class TopologyProducer {
  private final AggregatorConfig config;
  private final AggregatorMetrics metrics;
  private final Config serviceConfig;
  private final Tracer tracer;
  private PipelineWatermark watermark = PipelineWatermark.WALL_CLOCK;

  public TopologyProducer(
      AggregatorConfig config, AggregatorMetrics metrics, Config serviceConfig, Tracer tracer) {
    this.tracer = tracer;
    this.config = config;
    this.metrics = metrics;
    this.serviceConfig = serviceConfig;
  }

  @Produces
  public Topology buildTopology() {
    AggregatorSettings settings = config.settings();
    watermark =
        ConsumerGroupWatermark.start(
            adminConfig(),
            serviceConfig.getValue("quarkus.kafka-streams.application-id", String.class),
            settings.upstream());
    return AggregatorTopology.build(
        settings,
        SerdeConfig.settings(
            SerdeConfig.STREAMS_PREFIX, key -> serviceConfig.getOptionalValue(key, String.class)),
        metrics,
        watermark,
        tracer);
  }

  /** The admin client's share of the Streams clients' settings ({@code kafka-streams.*}). */
  private Map<String, Object> adminConfig() {
    Map<String, Object> admin = new HashMap<>();
    for (String name : serviceConfig.getPropertyNames()) {
      if (name.startsWith(SerdeConfig.STREAMS_PREFIX)) {
        String key = name.substring(SerdeConfig.STREAMS_PREFIX.length());
        if (AdminClientConfig.configNames().contains(key)) {
          serviceConfig.getOptionalValue(name, String.class).ifPresent(v -> admin.put(key, v));
        }
      }
    }
    admin.put(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        serviceConfig.getValue("quarkus.kafka-streams.bootstrap-servers", String.class));
    return admin;
  }

  @PreDestroy
  void close() {
    watermark.close();
  }
}
