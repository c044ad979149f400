package org.leukostream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.leukostream.schemas.registry.SchemaRegistryClient;

/**
 * Writes generated Avro records in the Confluent wire format. The schema id comes from registering
 * the record's schema under {@code <topic>-value} (or {@code -key}), or, with {@code
 * auto.register.schemas=false}, from looking it up there. Thread-safe, as a producer requires.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private record SubjectSchema(String subject, Schema schema) {}

  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
  private SchemaRegistryClient registry;
  private boolean autoRegister;
  private boolean isKey;

  /** For Kafka to instantiate from configuration; {@link #configure} must follow. */
  public AvroSerializer() {}

  public AvroSerializer(SchemaRegistryClient registry, boolean autoRegister, boolean isKey) {
    this.registry = registry;
    this.autoRegister = autoRegister;
    this.isKey = isKey;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = SerdeConfig.from(configs);
    this.registry = config.client();
    this.autoRegister = config.autoRegister();
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    Schema schema = record.getSchema();
    int id =
        ids.computeIfAbsent(new SubjectSchema(SubjectNames.of(topic, isKey), schema), this::idOf);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(WireFormat.header(id));
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writers.computeIfAbsent(schema, s -> writerFor(s, record.getClass())).write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot write " + schema.getFullName() + " for topic '" + topic + "': " + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  private int idOf(SubjectSchema key) {
    return autoRegister
        ? registry.register(key.subject(), key.schema())
        : registry.lookup(key.subject(), key.schema()).id();
  }

  private static <T> DatumWriter<T> writerFor(Schema schema, Class<?> type) {
    return new SpecificDatumWriter<>(schema, SpecificModels.forClass(type));
  }
}
