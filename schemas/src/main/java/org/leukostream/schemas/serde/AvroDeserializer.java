package org.leukostream.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.leukostream.schemas.registry.SchemaRegistryClient;

/**
 * Reads Confluent wire-format payloads into one generated Avro class: the writer's schema is
 * fetched by the id in the header and resolved against the class's schema, so records written with
 * an older compatible schema still read.
 *
 * <p>Failures: {@link WireFormatException} for bytes that are not a valid payload (poison:
 * dead-letter them); {@code SchemaNotFoundException} for an id the registry does not know; {@code
 * RegistryUnavailableException} when the registry cannot be reached (transient: retry).
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
  private SchemaRegistryClient registry;
  private Schema readerSchema;
  private SpecificData model;

  /** For Kafka to instantiate from configuration; {@link #configure} must follow. */
  public AvroDeserializer() {}

  public AvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
    this.registry = registry;
    setType(type);
  }

  /**
   * Reads {@code schema.registry.url} and the other registry settings; the target class comes from
   * the constructor or from {@code specific.avro.value.type} ({@code specific.avro.key.type} for
   * keys).
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.registry = SerdeConfig.from(configs).client();
    if (readerSchema == null) {
      String typeKey = isKey ? SerdeConfig.SPECIFIC_KEY_TYPE : SerdeConfig.SPECIFIC_VALUE_TYPE;
      Object type = configs.get(typeKey);
      if (type == null) {
        throw new IllegalArgumentException(
            "AvroDeserializer needs '" + typeKey + "' naming a generated Avro class");
      }
      setType(loadType(type));
    }
  }

  @Override
  public T deserialize(String topic, byte[] payload) {
    if (payload == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(payload);
    DatumReader<T> reader =
        readers.computeIfAbsent(
            id, i -> new SpecificDatumReader<>(registry.schemaById(i), readerSchema, model));
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                payload, WireFormat.HEADER_LENGTH, payload.length - WireFormat.HEADER_LENGTH, null);
    T record;
    try {
      record = reader.read(null, decoder);
    } catch (EOFException e) {
      throw new WireFormatException(
          "Truncated payload on topic '"
              + topic
              + "': the Avro body of schema "
              + id
              + " ends early ("
              + payload.length
              + " bytes in all)",
          e);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new WireFormatException(
          "Corrupt Avro body on topic '" + topic + "' for schema " + id + ": " + e.getMessage(), e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new WireFormatException(
            "Payload on topic '"
                + topic
                + "' has bytes left after a record of schema "
                + id
                + ": it was not written with that schema");
      }
    } catch (IOException e) {
      throw new WireFormatException("Cannot read payload end on topic '" + topic + "'", e);
    }
    return record;
  }

  private void setType(Class<T> type) {
    this.model = SpecificModels.forClass(type);
    this.readerSchema = SpecificData.getForClass(type).getSchema(type);
  }

  @SuppressWarnings("unchecked")
  private static <T> Class<T> loadType(Object type) {
    if (type instanceof Class<?> c) {
      return (Class<T>) c;
    }
    try {
      return (Class<T>)
          Class.forName(type.toString(), true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("Avro class '" + type + "' not found", e);
    }
  }
}
