package org.leukostream.schemas;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Producers of catalogue topics, as tests and benchmarks feed the services. */
public final class TopicWriter {
  private TopicWriter() {}

  /**
   * An idempotent producer (acks=all) of {@code topic}'s records, allowed the topic's message size;
   * the caller closes it.
   *
   * @param clientConfig bootstrap servers and {@code schema.registry.url}
   */
  public static <V extends SpecificRecord> KafkaProducer<String, V> producer(
      Map<String, Object> clientConfig, Topic<V> topic) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes());
    return new KafkaProducer<>(
        config, topic.keySerde().serializer(), topic.valueSerde(clientConfig).serializer());
  }
}
