package org.leukostream.schemas.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicSink;

/**
 * A Quarkus messaging service's outputs as a {@link TopicSink}: one emitter per topic its core
 * writes, each record keyed through the Kafka connector's outgoing metadata.
 */
public final class EmitterSink implements TopicSink {
  private final Map<Topic<?>, MutinyEmitter<?>> emitters;

  public EmitterSink(Map<Topic<?>, MutinyEmitter<?>> emitters) {
    this.emitters = Map.copyOf(emitters);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends SpecificRecord> CompletionStage<?> send(
      Topic<V> topic, String key, V value, Headers headers) {
    MutinyEmitter<V> emitter = (MutinyEmitter<V>) emitters.get(topic);
    if (emitter == null) {
      throw new IllegalArgumentException("No emitter for topic " + topic.name());
    }
    return emitter
        .sendMessage(
            Message.of(value)
                .addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .withHeaders(headers == null ? new RecordHeaders() : headers)
                        .build()))
        .subscribeAsCompletionStage();
  }

  /** Waits until the broker has acknowledged every send, at most {@code timeout}. */
  public static void await(List<CompletionStage<?>> sends, Duration timeout) {
    if (sends.isEmpty()) {
      return;
    }
    List<Uni<Void>> acks =
        sends.stream().map(s -> Uni.createFrom().completionStage(s).replaceWithVoid()).toList();
    Uni.join().all(acks).andFailFast().await().atMost(timeout);
  }
}
