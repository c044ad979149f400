package org.leukostream.schemas.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.leukostream.avro.DeadLetter;
import org.leukostream.schemas.Topics;

/** Builds the dead-letter envelope every service writes. */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * Writes a value read from a catalogue topic back to its bytes, with the topic's own serde, for
   * the envelope of a record that was read but could not be processed; null for an unknown topic.
   */
  public static BiFunction<String, SpecificRecord, byte[]> reencoder(Map<String, ?> serdeConfig) {
    Map<String, Serializer<SpecificRecord>> serializers = new ConcurrentHashMap<>();
    return (topic, value) ->
        Topics.byName(topic)
            .map(
                t ->
                    serializers
                        .computeIfAbsent(topic, name -> t.recordSerializer(serdeConfig))
                        .serialize(topic, value))
            .orElse(null);
  }

  /**
   * The envelope of {@code record} (string key) that {@code service} gave up on: where it was read,
   * its key, {@code value} (its bytes as read, or re-encoded when it was read but failed later),
   * and why.
   */
  public static DeadLetter of(
      String service,
      ConsumerRecord<String, ?> record,
      byte[] value,
      String caseId,
      Exception error,
      Instant at) {
    return of(
        service,
        record.topic(),
        record.partition(),
        record.offset(),
        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
        value,
        caseId,
        error,
        at);
  }

  /**
   * The envelope of a record {@code service} gave up on: where it was read, its bytes as read, and
   * why.
   */
  public static DeadLetter of(
      String service,
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String caseId,
      Exception error,
      Instant at) {
    DeadLetterTally.count(service, topic, error);
    return DeadLetter.newBuilder()
        .setOriginalTopic(topic)
        .setOriginalPartition(partition)
        .setOriginalOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setCaseId(caseId)
        .setErrorClass(error.getClass().getName())
        .setErrorMessage(String.valueOf(error.getMessage()))
        .setService(service)
        .setFailedAt(at)
        .build();
  }
}
