package org.leukostream.schemas;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.leukostream.schemas.serde.AvroSerde;
import org.leukostream.schemas.serde.SubjectNames;

/**
 * One topic of the system: its name, its key serde (every key is a UTF-8 string) and its value
 * type, plus the partition count and message size limit the embedded stack creates it with.
 * Services and tests take names and serdes from here, never from literals.
 *
 * @param name the topic name, e.g. {@code slide.fields.v1}
 * @param valueType the generated Avro class of its values
 * @param partitions partitions in the embedded stack (clusters set theirs in the Helm values)
 * @param maxMessageBytes the topic's {@code max.message.bytes}
 */
public record Topic<V extends SpecificRecord>(
    String name, Class<V> valueType, int partitions, int maxMessageBytes) {

  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /** A value serde configured from Kafka client settings ({@code schema.registry.url}, ...). */
  public AvroSerde<V> valueSerde(Map<String, ?> configs) {
    AvroSerde<V> serde = new AvroSerde<>(valueType);
    serde.configure(configs, false);
    return serde;
  }

  /**
   * The value serializer typed for any Avro record, as the Kafka Streams Processor API's sinks and
   * the dead-letter re-encoding take it; it still writes only {@code V}.
   */
  @SuppressWarnings("unchecked")
  public Serializer<SpecificRecord> recordSerializer(Map<String, ?> configs) {
    return (Serializer<SpecificRecord>) (Serializer<?>) valueSerde(configs).serializer();
  }

  public Schema valueSchema() {
    return SpecificData.get().getSchema(valueType);
  }

  public String valueSubject() {
    return SubjectNames.of(name, false);
  }
}
