package org.leukostream.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the record.
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_LENGTH = 5;

  private WireFormat() {}

  /** The 5-byte header for {@code schemaId}. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /**
   * The schema id in {@code payload}'s header.
   *
   * @throws WireFormatException when the payload is shorter than the header or the magic byte is
   *     wrong
   */
  public static int schemaId(byte[] payload) {
    if (payload.length < HEADER_LENGTH) {
      throw new WireFormatException(
          "Payload of "
              + payload.length
              + " bytes is shorter than the "
              + HEADER_LENGTH
              + "-byte wire-format header");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new WireFormatException(
          String.format(
              "Unknown magic byte 0x%02x: the value was not written in the Confluent wire format",
              payload[0]));
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }
}
