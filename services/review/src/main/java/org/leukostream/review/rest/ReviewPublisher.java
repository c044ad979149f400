package org.leukostream.review.rest;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
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

  public ReviewPublisher(
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, Config config) {
    var client =
        new java.util.HashMap<String, Object>(
            SerdeConfig.settings(
                SerdeConfig.STREAMS_PREFIX, key -> config.getOptionalValue(key, String.class)));
    client.put("bootstrap.servers", bootstrap);
    client.put("client.id", "leukostream-review-publisher");
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
