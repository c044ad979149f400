package org.leukostream.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.leukostream.schemas.StandaloneStreams;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.serde.SerdeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a KRaft broker and the development schema registry in this JVM, with every
 * topic of the catalogue created. Used by integration tests, {@code leukostream stack} and the
 * demo.
 */
public final class EmbeddedStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  private final EmbeddedKafkaBroker broker;
  private final DevSchemaRegistryServer registry;
  private final Duration startupTime;

  private EmbeddedStack(
      EmbeddedKafkaBroker broker, DevSchemaRegistryServer registry, Duration startupTime) {
    this.broker = broker;
    this.registry = registry;
    this.startupTime = startupTime;
  }

  /** Starts both on free ports. */
  public static EmbeddedStack start() {
    return start(0, 0);
  }

  /** Starts both on the given ports (0: a free one) and creates the catalogue's topics. */
  public static EmbeddedStack start(int kafkaPort, int registryPort) {
    long begin = System.nanoTime();
    DevSchemaRegistryServer registry = DevSchemaRegistryServer.start(registryPort);
    EmbeddedKafkaBroker broker;
    try {
      broker = EmbeddedKafkaBroker.start(kafkaPort, null);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    try {
      broker.createTopics(Topics.ALL);
    } catch (RuntimeException e) {
      broker.close();
      registry.close();
      throw e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info(
        "Embedded stack up in {} ms: Kafka {} , registry {}",
        took.toMillis(),
        broker.bootstrapServers(),
        registry.url());
    return new EmbeddedStack(broker, registry, took);
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  /** How long {@link #start} took, broker, registry and topics together. */
  public Duration startupTime() {
    return startupTime;
  }

  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  public DevSchemaRegistryServer registry() {
    return registry;
  }

  /** Client settings every Kafka client of this stack needs: bootstrap servers and registry URL. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl());
    return config;
  }

  /** An idempotent producer of {@code topic}'s records; the caller closes it. */
  /**
   * Where a service's Kafka Streams topology runs on this stack, exactly-once as in the services.
   *
   * @param stateDir a directory of this instance's own
   */
  public StandaloneStreams streams(String applicationId, Path stateDir) {
    return StandaloneStreams.exactlyOnce(
        applicationId, bootstrapServers(), registryUrl(), stateDir);
  }

  public <V extends SpecificRecord> KafkaProducer<String, V> producer(Topic<V> topic) {
    return TopicWriter.producer(clientConfig(), topic);
  }

  /**
   * A consumer of {@code topic} from the earliest offset, in a fresh group; the caller closes it.
   */
  public <V extends SpecificRecord> KafkaConsumer<String, V> consumer(Topic<V> topic) {
    return TopicReader.consumer(clientConfig(), topic);
  }

  /** Every committed record of {@code topic} so far. */
  public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(Topic<V> topic) {
    return TopicReader.readAll(clientConfig(), topic);
  }

  @Override
  public void close() {
    try {
      broker.close();
    } finally {
      registry.close();
    }
  }
}
