package org.leukostream.schemas.deadletter;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.leukostream.avro.DeadLetter;

/** Builds the dead-letter envelope every service writes. */
public final class DeadLetters {
  private DeadLetters() {}

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
