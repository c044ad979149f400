package org.leukostream.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.DeadLetter;
import org.leukostream.cli.Cli;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;

/**
 * {@code leukostream dlq replay} against a real broker and registry of its own: the replayed
 * records are not fields any other test could read.
 */
class DlqCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static EmbeddedStack stack;

  @BeforeAll
  static void start() {
    stack = EmbeddedStack.start();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void replaysTheLettersOfTheWindowWithTheirOwnKeyAndBytes() throws Exception {
    Map<String, Object> client =
        TopicReader.clientConfig(stack.bootstrapServers(), stack.registryUrl());
    String run = UUID.randomUUID().toString().substring(0, 8);
    String old = "case-old-" + run;
    String recent = "case-new-" + run;
    String tombstone = "case-tomb-" + run;
    Instant now = Instant.now();
    try (KafkaProducer<String, DeadLetter> producer =
        TopicWriter.producer(client, Topics.SLIDE_FIELDS_DLQ)) {
      send(producer, letter(old, bytes("field of " + old), now.minus(Duration.ofHours(3))));
      send(producer, letter(recent, bytes("field of " + recent), now.minusSeconds(60)));
      send(producer, letter(tombstone, null, now.minusSeconds(30)));
      producer.flush();
    }

    List<JsonNode> listed =
        dlq(stack, "replay", "--topic", "slide.fields.dlq", "--since", "1h", "--dry-run");
    assertThat(outcomeOf(listed, recent)).isEqualTo("WOULD_REPLAY");
    assertThat(outcomeOf(listed, tombstone)).isEqualTo("NOTHING_TO_REPLAY");
    assertThat(outcomeOf(listed, old)).as("failed before --since").isNull();
    assertThat(replayed(client, run)).as("a dry run sends nothing").isEmpty();

    List<JsonNode> sent =
        dlq(
            stack,
            "replay",
            "--topic",
            "slide.fields.dlq",
            "--since",
            "1h",
            "--case",
            recent,
            "--case",
            tombstone);
    assertThat(outcomeOf(sent, recent)).isEqualTo("REPLAYED");
    assertThat(sent.get(sent.size() - 1).path("outcomes").path("REPLAYED").asInt()).isEqualTo(1);
    List<ConsumerRecord<String, byte[]>> back = replayed(client, run);
    assertThat(back)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(recent);
              assertThat(new String(r.value(), StandardCharsets.UTF_8))
                  .isEqualTo("field of " + recent);
              assertThat(
                      new String(
                          r.headers().lastHeader(DeadLetterReplay.REPLAYED_FROM).value(),
                          StandardCharsets.UTF_8))
                  .startsWith("slide.fields.dlq/");
            });

    dlq(
        stack,
        "replay",
        "--topic",
        "slide.fields.dlq",
        "--since",
        now.minus(Duration.ofHours(4)).toString(),
        "--until",
        "2h",
        "--case",
        old);
    assertThat(replayed(client, run))
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder(recent, old);
  }

  @Test
  void refusesATopicThatHoldsNoDeadLettersAndATimeItCannotRead() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] cluster = {"--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl()};
    assertThat(
            Cli.run(
                out,
                err,
                concat(
                    new String[] {"dlq", "replay", "--topic", "slide.fields.v1", "--since", "1h"},
                    cluster)))
        .isEqualTo(2);
    assertThat(err.toString()).contains("is not a dead-letter topic");
    assertThat(
            Cli.run(
                out,
                err,
                concat(
                    new String[] {
                      "dlq", "replay", "--topic", "cell.crops.dlq", "--since", "yesterday"
                    },
                    cluster)))
        .isEqualTo(2);
    assertThat(err.toString()).contains("neither an instant");
  }

  private static List<JsonNode> dlq(EmbeddedStack stack, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all =
        concat(
            concat(new String[] {"dlq"}, args),
            new String[] {
              "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(), "--json"
            });
    assertThat(Cli.run(out, err, all)).as(err.toString()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  private static String outcomeOf(List<JsonNode> lines, String caseId) {
    return lines.stream()
        .filter(l -> caseId.equals(l.path("caseId").asText()))
        .map(l -> l.path("outcome").asText())
        .findFirst()
        .orElse(null);
  }

  /** The records of this run's cases on slide.fields.v1. */
  private static List<ConsumerRecord<String, byte[]>> replayed(
      Map<String, Object> client, String run) {
    return TopicReader.readBytes(client, Topics.SLIDE_FIELDS).stream()
        .filter(r -> r.key() != null && r.key().endsWith(run))
        .toList();
  }

  private static DeadLetter letter(String caseId, byte[] value, Instant failedAt) {
    return DeadLetter.newBuilder()
        .setOriginalTopic(Topics.SLIDE_FIELDS.name())
        .setOriginalPartition(0)
        .setOriginalOffset(7)
        .setKey(ByteBuffer.wrap(caseId.getBytes(StandardCharsets.UTF_8)))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setCaseId(caseId)
        .setErrorClass("org.leukostream.images.ImageRejectedException")
        .setErrorMessage("claim check file:///claims/" + caseId + ".png does not exist")
        .setService("detector")
        .setFailedAt(failedAt)
        .build();
  }

  private static void send(KafkaProducer<String, DeadLetter> producer, DeadLetter letter) {
    producer.send(
        new ProducerRecord<>(
            Topics.SLIDE_FIELDS_DLQ.name(),
            null,
            letter.getFailedAt().toEpochMilli(),
            letter.getCaseId(),
            letter));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
