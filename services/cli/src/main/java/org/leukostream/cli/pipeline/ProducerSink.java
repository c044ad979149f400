package org.leukostream.cli.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.TopicWriter;

/**
 * A service core's outputs on plain Kafka producers, one per topic (acks all, idempotent, sized for
 * the topic's largest message): what the demo's workers give the detector's and classifier's cores
 * where the services give their emitters.
 */
public final class ProducerSink implements TopicSink, AutoCloseable {
  private final Map<Topic<?>, KafkaProducer<String, ?>> producers = new HashMap<>();

  public ProducerSink(Map<String, Object> clientConfig, List<Topic<?>> topics) {
    for (Topic<?> topic : topics) {
      producers.put(topic, TopicWriter.producer(clientConfig, topic));
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends SpecificRecord> CompletionStage<?> send(
      Topic<V> topic, String key, V value, Headers headers) {
    KafkaProducer<String, V> producer = (KafkaProducer<String, V>) producers.get(topic);
    if (producer == null) {
      throw new IllegalArgumentException("No producer for topic " + topic.name());
    }
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
    producer.send(
        new ProducerRecord<>(topic.name(), null, key, value, headers),
        (metadata, error) -> {
          if (error != null) {
            sent.completeExceptionally(error);
          } else {
            sent.complete(metadata);
          }
        });
    return sent;
  }

  @Override
  public void close() {
    producers.values().forEach(KafkaProducer::close);
  }
}
