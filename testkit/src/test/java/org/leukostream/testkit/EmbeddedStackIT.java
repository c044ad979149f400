package org.leukostream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;
import org.leukostream.avro.SlideField;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.SampleRecords;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.HttpSchemaRegistryClient;
import org.leukostream.schemas.serde.WireFormat;

/** Every topic of the catalogue through the real embedded broker and the HTTP registry. */
@ExtendWith(EmbeddedStackExtension.class)
class EmbeddedStackIT {
  static final List<Topic<?>> TOPICS = Topics.ALL;

  @ParameterizedTest(name = "{0}")
  @FieldSource("TOPICS")
  <V extends SpecificRecord> void oneRecordOfEveryTopicComesBackEqual(
      Topic<V> topic, EmbeddedStack stack) throws Exception {
    @SuppressWarnings("unchecked")
    V sent = (V) SampleRecords.BY_TOPIC.get(topic.name()).get();
    // The stack is shared by the run: a key of its own tells this test's record apart.
    String caseId = "it-" + UUID.randomUUID();
    String key = topic == Topics.CELL_CROPS ? Topics.cropKey(caseId, 2) : caseId;

    try (var producer = stack.producer(topic)) {
      producer.send(new ProducerRecord<>(topic.name(), key, sent)).get();
    }
    List<ConsumerRecord<String, V>> received = new ArrayList<>();
    try (var consumer = stack.consumer(topic)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
                return received.stream().anyMatch(r -> r.key().equals(key));
              });
    }
    received.removeIf(r -> !r.key().equals(key));

    assertThat(received).hasSize(1);
    assertThat(received.get(0).key()).isEqualTo(key);
    assertThat(received.get(0).value()).isEqualTo(sent);
    // The id in the payload is the one the HTTP registry holds for <topic>-value.
    var registry =
        new HttpSchemaRegistryClient(List.of(stack.registryUrl()), null, Duration.ofSeconds(5));
    var latest = registry.latest(topic.valueSubject());
    assertThat(latest.schema()).isEqualTo(topic.valueSchema());
    assertThat(stack.registry().registry().schemaById(latest.id())).isEqualTo(topic.valueSchema());
  }

  @Test
  void catalogueTopicsExistWithTheirPartitionsAndSizeLimits(EmbeddedStack stack) throws Exception {
    try (var admin = stack.broker().admin()) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names).containsAll(Topics.ALL.stream().map(Topic::name).toList());

      var descriptions = admin.describeTopics(names).allTopicNames().get();
      var resources =
          Topics.ALL.stream()
              .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
              .toList();
      var configs = admin.describeConfigs(resources).all().get();
      Map<String, Integer> partitions =
          descriptions.entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
      for (Topic<?> topic : Topics.ALL) {
        assertThat(partitions.get(topic.name())).as(topic.name()).isEqualTo(topic.partitions());
        String maxBytes =
            configs
                .get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
                .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
                .value();
        assertThat(Integer.parseInt(maxBytes)).as(topic.name()).isEqualTo(topic.maxMessageBytes());
      }
    }
  }

  @Test
  void fieldNearTheInlineLimitFitsItsTopic(EmbeddedStack stack) throws Exception {
    byte[] oneMiB = new byte[1024 * 1024];
    var sample = SampleRecords.slideField();
    var field =
        SlideField.newBuilder(sample)
            .setImage(
                ImageRef.newBuilder(sample.getImage())
                    .setContent(new InlineImage(ByteBuffer.wrap(oneMiB)))
                    .build())
            .build();
    try (var producer = stack.producer(Topics.SLIDE_FIELDS)) {
      var metadata =
          producer.send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "big-case", field)).get();
      assertThat(metadata.serializedValueSize())
          .isGreaterThan(oneMiB.length + WireFormat.HEADER_LENGTH);
    }
  }
}
