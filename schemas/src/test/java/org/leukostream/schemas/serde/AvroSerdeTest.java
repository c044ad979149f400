package org.leukostream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.ModelRef;
import org.leukostream.schemas.SampleRecords;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.InMemorySchemaRegistry;
import org.leukostream.schemas.registry.SchemaNotFoundException;
import org.leukostream.schemas.registry.SchemaRegistries;

class AvroSerdeTest {
  static final java.util.List<Topic<?>> TOPICS = Topics.ALL;

  private final String scope = "serde-test-" + UUID.randomUUID();
  private final Map<String, String> config =
      Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);

  @AfterEach
  void dropScope() {
    SchemaRegistries.dropMockScope(scope);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("TOPICS")
  <V extends SpecificRecord> void everyTopicValueRoundTripsAndDecodesWithPlainAvro(Topic<V> topic)
      throws IOException {
    @SuppressWarnings("unchecked")
    V record = (V) SampleRecords.BY_TOPIC.get(topic.name()).get();
    var serde = topic.valueSerde(config);

    byte[] bytes = serde.serializer().serialize(topic.name(), record);

    assertThat(serde.deserializer().deserialize(topic.name(), bytes)).isEqualTo(record);
    int id = WireFormat.schemaId(bytes);
    assertThat(SchemaRegistries.mockScope(scope).latest(topic.valueSubject()).id()).isEqualTo(id);
    byte[] body = Arrays.copyOfRange(bytes, WireFormat.HEADER_LENGTH, bytes.length);
    var decoder = DecoderFactory.get().binaryDecoder(body, null);
    V plain = new SpecificDatumReader<>(topic.valueType()).read(null, decoder);
    assertThat(plain).isEqualTo(record);
    assertThat(decoder.isEnd()).isTrue();
    GenericRecord generic =
        new GenericDatumReader<GenericRecord>(topic.valueSchema())
            .read(null, DecoderFactory.get().binaryDecoder(body, null));
    assertThat(generic.getSchema().getFullName()).isEqualTo(topic.valueType().getName());
    assertThat(generic.get(0).toString()).isEqualTo(record.get(0).toString());
  }

  @Test
  void nullIsATombstoneBothWays() {
    var serde = Topics.CASE_EVENTS.valueSerde(config);
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void truncatedPayloadIsAClearError() {
    var serde = Topics.DIAGNOSES.valueSerde(config);
    byte[] bytes = serde.serializer().serialize(Topics.DIAGNOSES.name(), SampleRecords.diagnosis());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

    assertThatThrownBy(() -> serde.deserializer().deserialize(Topics.DIAGNOSES.name(), truncated))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("Truncated payload");
  }

  @Test
  void payloadWrittenWithAnotherSchemaIsAClearError() {
    InMemorySchemaRegistry registry = SchemaRegistries.mockScope(scope);
    byte[] modelRef =
        new AvroSerializer<ModelRef>(registry, true, false)
            .serialize("other", new ModelRef("a-long-model-name", "1"));
    // Same registry, but the id names ModelRef while the consumer reads CaseEvent.
    var deserializer = new AvroDeserializer<>(CaseEvent.class, registry);

    assertThatThrownBy(() -> deserializer.deserialize(Topics.CASE_EVENTS.name(), modelRef))
        .isInstanceOf(WireFormatException.class);
  }

  @Test
  void unknownSchemaIdIsAClearError() {
    var deserializer = Topics.CASE_EVENTS.valueSerde(config).deserializer();
    byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 'x'};

    assertThatThrownBy(() -> deserializer.deserialize(Topics.CASE_EVENTS.name(), bytes))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("Schema 12345 not found");
  }

  @Test
  void withoutAutoRegisterTheSerializerOnlyLooksUp() {
    var serializer = new AvroSerializer<CaseEvent>();
    serializer.configure(
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            "mock://" + scope,
            SerdeConfig.AUTO_REGISTER_SCHEMAS,
            "false"),
        false);

    assertThatThrownBy(() -> serializer.serialize("unregistered", SampleRecords.caseEvent()))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("unregistered-value");
  }

  @Test
  void deserializerConfiguredByClassNameReadsOlderWriterSchemas() throws IOException {
    // An earlier CaseEvent without the optional reviewer fields, written by an older producer.
    Schema old =
        SchemaBuilder.record("CaseEvent")
            .namespace("org.leukostream.avro")
            .fields()
            .requiredString("caseId")
            .requiredString("patientKey")
            .name("type")
            .type(Topics.CASE_EVENTS.valueSchema().getField("type").schema())
            .noDefault()
            .name("occurredAt")
            .type(Topics.CASE_EVENTS.valueSchema().getField("occurredAt").schema())
            .noDefault()
            .endRecord();
    InMemorySchemaRegistry registry = SchemaRegistries.mockScope(scope);
    int id = registry.register("older", old);
    GenericRecord opened = new GenericData.Record(old);
    opened.put("caseId", "c9");
    opened.put("patientKey", "k");
    opened.put("type", new GenericData.EnumSymbol(old.getField("type").schema(), "OPENED"));
    opened.put("occurredAt", 5_000L);
    var out = new java.io.ByteArrayOutputStream();
    out.writeBytes(WireFormat.header(id));
    var encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(old).write(opened, encoder);
    encoder.flush();

    var deserializer = new AvroDeserializer<CaseEvent>();
    deserializer.configure(
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            "mock://" + scope,
            SerdeConfig.SPECIFIC_VALUE_TYPE,
            CaseEvent.class.getName()),
        false);
    CaseEvent event = deserializer.deserialize("any", out.toByteArray());

    assertThat(event.getCaseId()).isEqualTo("c9");
    assertThat(event.getOccurredAt().toEpochMilli()).isEqualTo(5_000L);
    assertThat(event.getExpectedFields()).isNull();
  }

  @Test
  void missingRegistryUrlIsAClearError() {
    assertThatThrownBy(() -> Topics.CASE_EVENTS.valueSerde(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.registry.url");
  }
}
