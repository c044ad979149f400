package org.leukostream.schemas;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Where a service's core writes what one record produced: the Quarkus service's emitters, or the
 * plain producers the demo runs the same core with. The core sends; its caller waits for every send
 * of a record (or poll) before the input's offset may be committed.
 */
public interface TopicSink {
  /**
   * Sends {@code value} keyed {@code key} with {@code headers} (the trace context; null for none);
   * completes once the broker has acknowledged it.
   */
  <V extends SpecificRecord> CompletionStage<?> send(
      Topic<V> topic, String key, V value, Headers headers);

  /** Sends {@code value} keyed {@code key}, without headers. */
  default <V extends SpecificRecord> CompletionStage<?> send(Topic<V> topic, String key, V value) {
    return send(topic, key, value, null);
  }

  /**
   * Completes when the broker has acknowledged every one of {@code sends}; fails when one of them
   * fails, or when they are not all acknowledged within {@code timeout}.
   */
  static CompletableFuture<Void> acknowledged(List<CompletionStage<?>> sends, Duration timeout) {
    return CompletableFuture.allOf(
            sends.stream()
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
