package org.leukostream.review.rest;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.avro.CellReview;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.serde.SerdeConfig;

/** Writes reviewers' changes to {@code cell.reviews.v1}, acknowledged by all in-sync replicas. */
@ApplicationScoped
public class ReviewPublisher {
  private final KafkaProducer<String, CellReview> producer;

  /**
   * The producer takes the Kafka Streams client's settings that a producer knows ({@code
   * kafka-streams.*}: security protocol, SASL, TLS), its bootstrap servers and the registry
   * settings, so that it reaches the broker as the view does.
   */
  public ReviewPublisher(
      @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers") String bootstrap,
      Config config) {
    var client =
        new java.util.HashMap<String, Object>(
            SerdeConfig.settings(
                SerdeConfig.STREAMS_PREFIX, key -> config.getOptionalValue(key, String.class)));
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(SerdeConfig.STREAMS_PREFIX)) {
        String key = name.substring(SerdeConfig.STREAMS_PREFIX.length());
        if (ProducerConfig.configNames().contains(key)) {
          config.getOptionalValue(name, String.class).ifPresent(v -> client.put(key, v));
        }
      }
    }
    client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    client.put(ProducerConfig.CLIENT_ID_CONFIG, "leukostream-review-publisher");
    this.producer = TopicWriter.producer(client, Topics.CELL_REVIEWS);
  }

  /** Sends every review (one case's, in order) and waits until each is written. */
  public void publish(List<CellReview> reviews)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<Future<RecordMetadata>> sent =
        reviews.stream()
            .map(
                r ->
                    producer.send(
                        new ProducerRecord<>(Topics.CELL_REVIEWS.name(), r.getCaseId(), r)))
            .toList();
    for (Future<RecordMetadata> f : sent) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  @PreDestroy
  void close() {
    producer.close();
  }
}
