package org.leukostream.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.leukostream.schemas.serde.SerdeConfig;

/** Reads catalogue topics from the start, as tests check what a service wrote. */
public final class TopicReader {
  private static final Duration POLL = Duration.ofMillis(300);
  private static final int QUIET_POLLS = 3;

  private TopicReader() {}

  /**
   * A consumer of {@code topic} from the earliest offset, in a fresh group, reading committed
   * records only; the caller closes it.
   *
   * @param clientConfig bootstrap servers and {@code schema.registry.url}
   */
  public static <V extends SpecificRecord> KafkaConsumer<String, V> consumer(
      Map<String, Object> clientConfig, Topic<V> topic) {
    var consumer =
        new KafkaConsumer<>(
            fresh(clientConfig),
            topic.keySerde().deserializer(),
            topic.valueSerde(clientConfig).deserializer());
    consumer.subscribe(List.of(topic.name()));
    return consumer;
  }

  /**
   * Every committed record of {@code topic} so far as the bytes it holds, values undecoded: for a
   * topic that may hold records no schema reads (tombstones, poison).
   */
  public static List<ConsumerRecord<String, byte[]>> readBytes(
      Map<String, Object> clientConfig, Topic<?> topic) {
    try (var consumer =
        new KafkaConsumer<>(
            fresh(clientConfig), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.name()));
      return drain(consumer);
    }
  }

  private static Map<String, Object> fresh(Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return config;
  }

  private static <V> List<ConsumerRecord<String, V>> drain(KafkaConsumer<String, V> consumer) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    int quiet = 0;
    while (quiet < QUIET_POLLS) {
      var batch = consumer.poll(POLL);
      quiet = batch.isEmpty() ? quiet + 1 : 0;
      batch.forEach(records::add);
    }
    return records;
  }

  /** Client settings for a broker and a registry: what {@link #readAll} and producers take. */
  public static Map<String, Object> clientConfig(String bootstrapServers, String registryUrl) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        SerdeConfig.SCHEMA_REGISTRY_URL,
        registryUrl);
  }

  /**
   * The values of every committed record of {@code topic} so far, in offset order per partition.
   */
  public static <V extends SpecificRecord> List<V> values(
      Map<String, Object> clientConfig, Topic<V> topic) {
    return readAll(clientConfig, topic).stream().map(ConsumerRecord::value).toList();
  }

  /**
   * Every committed record of {@code topic} so far: reads until three polls in a row bring nothing.
   */
  public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(
      Map<String, Object> clientConfig, Topic<V> topic) {
    try (var consumer = consumer(clientConfig, topic)) {
      return drain(consumer);
    }
  }
}
