package org.leukostream.cli.dlq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.leukostream.avro.DeadLetter;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;

/**
 * Dead letters sent back to the topic they were read from, once the cause is fixed (a claim-check
 * file restored, a model or a setting corrected): the letters of one dead-letter topic that failed
 * in a time window, optionally of some cases or with some words in their error, read up to the
 * topic's end when the replay starts. Each original record goes back with its own key and bytes and
 * a header naming the letter ({@value #REPLAYED_FROM}), so the services process it as they would
 * have; nothing is removed from the dead-letter topic. A letter without a value (a tombstone) or
 * from a topic outside the catalogue has nothing to replay and is reported as skipped.
 */
public final class DeadLetterReplay {
  /** Header on a replayed record: {@code dlq-topic/partition/offset} of its letter. */
  public static final String REPLAYED_FROM = "leukostream-replayed-from";

  private static final Duration POLL = Duration.ofMillis(500);

  /** What became of one letter. */
  public enum Outcome {
    REPLAYED,
    WOULD_REPLAY,
    NOTHING_TO_REPLAY,
    UNKNOWN_TOPIC
  }

  /** One letter of the window and what became of it ({@code failedAt} as ISO-8601). */
  public record Letter(
      String letter,
      String originalTopic,
      String key,
      String caseId,
      String service,
      String failedAt,
      String error,
      Outcome outcome) {}

  /** Which letters of the window are replayed. */
  public record Selection(
      Instant since, Optional<Instant> until, List<String> cases, Optional<String> errorContains) {
    boolean takes(DeadLetter letter) {
      Instant at = letter.getFailedAt();
      return !at.isBefore(since)
          && until.map(at::isBefore).orElse(true)
          && (cases.isEmpty() || cases.contains(letter.getCaseId()))
          && errorContains.map(letter.getErrorMessage()::contains).orElse(true);
    }
  }

  private final Map<String, Object> clientConfig;

  public DeadLetterReplay(Map<String, Object> clientConfig) {
    this.clientConfig = Map.copyOf(clientConfig);
  }

  /**
   * Replays (or, with {@code dryRun}, only lists) the letters of {@code dlq} that {@code selection}
   * takes.
   */
  public List<Letter> replay(Topic<DeadLetter> dlq, Selection selection, boolean dryRun) {
    List<ConsumerRecord<String, DeadLetter>> letters =
        read(dlq, selection.since(), selection::takes);
    List<Letter> out = new ArrayList<>(letters.size());
    try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
      for (ConsumerRecord<String, DeadLetter> record : letters) {
        DeadLetter letter = record.value();
        String name = record.topic() + "/" + record.partition() + "/" + record.offset();
        Optional<Topic<?>> original =
            Topics.byName(letter.getOriginalTopic()).filter(t -> !Topics.isDeadLetterTopic(t));
        Outcome outcome;
        if (letter.getValue() == null) {
          outcome = Outcome.NOTHING_TO_REPLAY;
        } else if (original.isEmpty()) {
          outcome = Outcome.UNKNOWN_TOPIC;
        } else if (dryRun) {
          outcome = Outcome.WOULD_REPLAY;
        } else {
          ProducerRecord<byte[], byte[]> again =
              new ProducerRecord<>(
                  letter.getOriginalTopic(), bytes(letter.getKey()), bytes(letter.getValue()));
          again.headers().add(REPLAYED_FROM, name.getBytes(StandardCharsets.UTF_8));
          producer.send(again);
          outcome = Outcome.REPLAYED;
        }
        out.add(
            new Letter(
                name,
                letter.getOriginalTopic(),
                letter.getKey() == null
                    ? null
                    : StandardCharsets.UTF_8.decode(letter.getKey().duplicate()).toString(),
                letter.getCaseId(),
                letter.getService(),
                letter.getFailedAt().toString(),
                letter.getErrorMessage(),
                outcome));
      }
      if (producer != null) {
        producer.flush(); // every replayed record acknowledged (acks=all) before the command ends
      }
    }
    return out;
  }

  /** The letters of {@code dlq} from {@code since} up to its end now that {@code takes}. */
  private List<ConsumerRecord<String, DeadLetter>> read(
      Topic<DeadLetter> dlq, Instant since, Predicate<DeadLetter> takes) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "leukostream-dlq-replay-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, dlq.maxMessageBytes());
    List<ConsumerRecord<String, DeadLetter>> out = new ArrayList<>();
    try (KafkaConsumer<String, DeadLetter> consumer =
        new KafkaConsumer<>(
            config, dlq.keySerde().deserializer(), dlq.valueSerde(clientConfig).deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(dlq.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(p -> times.put(p, since.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> from = consumer.offsetsForTimes(times);
      for (TopicPartition partition : partitions) {
        OffsetAndTimestamp start = from.get(partition);
        consumer.seek(partition, start == null ? end.get(partition) : start.offset());
      }
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, DeadLetter> record : consumer.poll(POLL)) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < end.get(partition)
              && record.value() != null
              && takes.test(record.value())) {
            out.add(record);
          }
        }
      }
    }
    return out;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // the largest record of any topic: each topic's own limit is the broker's to enforce
    config.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Topics.ALL.stream().mapToInt(Topic::maxMessageBytes).max().orElseThrow());
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
