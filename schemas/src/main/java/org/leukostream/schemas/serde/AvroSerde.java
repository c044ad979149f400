package org.leukostream.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.leukostream.schemas.registry.SchemaRegistryClient;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} for one generated class, as a Kafka Streams
 * serde.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final Class<T> type;
  private AvroSerializer<T> serializer;
  private AvroDeserializer<T> deserializer;

  /**
   * Unconfigured: {@link #configure} must follow (Kafka Streams calls it with the app's settings).
   */
  public AvroSerde(Class<T> type) {
    this.type = type;
  }

  public AvroSerde(
      Class<T> type, SchemaRegistryClient registry, boolean autoRegister, boolean isKey) {
    this.type = type;
    this.serializer = new AvroSerializer<>(registry, autoRegister, isKey);
    this.deserializer = new AvroDeserializer<>(type, registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    SerdeConfig config = SerdeConfig.from(configs);
    this.serializer = new AvroSerializer<>(config.client(), config.autoRegister(), isKey);
    this.deserializer = new AvroDeserializer<>(type, config.client());
  }

  @Override
  public Serializer<T> serializer() {
    return requireConfigured(serializer);
  }

  @Override
  public Deserializer<T> deserializer() {
    return requireConfigured(deserializer);
  }

  private <S> S requireConfigured(S part) {
    if (part == null) {
      throw new IllegalStateException(
          "AvroSerde<" + type.getSimpleName() + "> used before configure()");
    }
    return part;
  }
}
