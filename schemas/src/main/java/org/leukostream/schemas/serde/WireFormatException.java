package org.leukostream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a valid Confluent wire-format Avro payload: too short, a magic byte other than
 * 0, a truncated body, or bytes left over after the record (written with another schema). Such a
 * record is poison: retrying cannot help, it belongs in a dead-letter topic.
 */
public final class WireFormatException extends SerializationException {
  public WireFormatException(String message) {
    super(message);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
