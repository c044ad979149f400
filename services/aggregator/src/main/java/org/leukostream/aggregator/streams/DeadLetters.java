package org.leukostream.aggregator.streams;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.leukostream.avro.DeadLetter;

/** Builds the dead-letter envelope of the aggregator. */
final class DeadLetters {
  static final String SERVICE = "aggregator";

  private DeadLetters() {}

  static DeadLetter of(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String caseId,
      Exception error,
      Instant at) {
    return DeadLetter.newBuilder()
        .setOriginalTopic(topic)
        .setOriginalPartition(partition)
        .setOriginalOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setCaseId(caseId)
        .setErrorClass(error.getClass().getName())
        .setErrorMessage(String.valueOf(error.getMessage()))
        .setService(SERVICE)
        .setFailedAt(at)
        .build();
  }
}
