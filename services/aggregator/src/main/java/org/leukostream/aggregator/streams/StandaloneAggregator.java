package org.leukostream.aggregator.streams;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.leukostream.schemas.StreamsProperties;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * The aggregator topology on plain Kafka Streams, configured as the service configures it
 * (application.properties), for running it outside Quarkus: benchmarks, the embedded demo and
 * multi-instance tests.
 *
 * @param applicationId the Kafka Streams application id (instances with the same id share the work)
 * @param bootstrapServers the broker
 * @param registryUrl the schema registry
 * @param stateDir a directory of this instance's own
 * @param guarantee {@code processing.guarantee}, {@code exactly_once_v2} in the service
 * @param applicationServer {@code host:port} for interactive queries, or null
 */
public record StandaloneAggregator(
    String applicationId,
    String bootstrapServers,
    String registryUrl,
    Path stateDir,
    String guarantee,
    String applicationServer) {

  /** A new, not yet started, Kafka Streams instance running the topology with {@code settings}. */
  public KafkaStreams create(AggregatorSettings settings, AggregatorMetrics metrics) {
    Properties props =
        StreamsProperties.standalone(
            applicationId,
            bootstrapServers,
            registryUrl,
            stateDir,
            guarantee,
            AggregatorTopology.SERVICE,
            Topics.AGGREGATOR_DLQ);
    if (applicationServer != null) {
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    return new KafkaStreams(
        AggregatorTopology.build(
            settings, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), metrics),
        props);
  }
}
