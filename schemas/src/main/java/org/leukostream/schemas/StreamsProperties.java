package org.leukostream.schemas;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.leukostream.schemas.deadletter.DeadLetterDeserializationHandler;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * Kafka Streams settings of a service's topology run outside Quarkus (the demo, benchmarks,
 * multi-instance tests), as the services' {@code application.properties} set them: a state
 * directory of the instance's own, the processing guarantee, and records that cannot be read going
 * to the service's dead-letter topic.
 */
public final class StreamsProperties {
  private StreamsProperties() {}

  /**
   * @param applicationId the Kafka Streams application id (instances with the same id share work)
   * @param service the name the service gives itself in dead letters
   * @param deadLetters the service's dead-letter topic
   */
  public static Properties standalone(
      String applicationId,
      String bootstrapServers,
      String registryUrl,
      Path stateDir,
      String guarantee,
      String service,
      Topic<?> deadLetters) {
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
    return props;
  }
}
