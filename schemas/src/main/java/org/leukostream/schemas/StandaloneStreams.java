package org.leukostream.schemas;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.leukostream.schemas.deadletter.DeadLetterDeserializationHandler;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * Where and how a service's Kafka Streams topology runs outside Quarkus (the demo, benchmarks,
 * multi-instance tests), with the settings the services' {@code application.properties} give it: a
 * state directory of the instance's own, the processing guarantee, and records that cannot be read
 * going to the service's dead-letter topic. Each topology class builds its instance from one of
 * these ({@code AggregatorTopology.standalone}, {@code ReportTopology.standalone}).
 *
 * @param applicationId the Kafka Streams application id (instances with the same id share work)
 * @param bootstrapServers the broker
 * @param registryUrl the schema registry
 * @param stateDir a directory of this instance's own
 * @param guarantee {@code processing.guarantee}, {@code exactly_once_v2} in the services
 * @param applicationServer {@code host:port} for interactive queries, or null
 */
public record StandaloneStreams(
    String applicationId,
    String bootstrapServers,
    String registryUrl,
    Path stateDir,
    String guarantee,
    String applicationServer) {

  /** Exactly-once, as the services run, with no interactive-query address. */
  public static StandaloneStreams exactlyOnce(
      String applicationId, String bootstrapServers, String registryUrl, Path stateDir) {
    return new StandaloneStreams(
        applicationId,
        bootstrapServers,
        registryUrl,
        stateDir,
        StreamsConfig.EXACTLY_ONCE_V2,
        null);
  }

  /** The same instance answering interactive queries at {@code hostPort}. */
  public StandaloneStreams withApplicationServer(String hostPort) {
    return new StandaloneStreams(
        applicationId, bootstrapServers, registryUrl, stateDir, guarantee, hostPort);
  }

  /** The serde settings the topology's Avro serdes take. */
  public Map<String, Object> serdeConfig() {
    return Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
  }

  /**
   * A new, not yet started, instance running {@code topology}.
   *
   * @param service the name the service gives itself in dead letters
   * @param deadLetters the service's dead-letter topic
   */
  public KafkaStreams create(Topology topology, String service, Topic<?> deadLetters) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class.getName());
    props.put(DeadLetterDeserializationHandler.TOPIC_CONFIG, deadLetters.name());
    props.put(DeadLetterDeserializationHandler.SERVICE_CONFIG, service);
    props.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
    // Dead letters of records near their topic's limit are larger than 1 MiB; the dead-letter
    // topic is the largest a service writes.
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        deadLetters.maxMessageBytes());
    if (applicationServer != null) {
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    return new KafkaStreams(topology, props);
  }
}
