package org.leukostream.schemas.deadletter;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.leukostream.avro.DeadLetter;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an input record that cannot be deserialised (corrupt bytes, unknown schema id, wrong
 * schema) to the service's dead-letter topic, whole, and lets the stream continue. The topic and
 * the service's name come from the Streams configuration: {@value #TOPIC_CONFIG} (a catalogue topic
 * of {@code DeadLetter} values) and {@value #SERVICE_CONFIG}. If the registry is unreachable the
 * record is not poison, and if the dead letter cannot be written nothing must be skipped: both stop
 * the stream (FAIL) rather than lose a record.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
  // Kafka Streams builds this handler itself, so its count is read from here by the metrics bean.
  private static final AtomicLong DEAD_LETTERED = new AtomicLong();
  public static final String TOPIC_CONFIG = "leukostream.dead-letter.topic";
  public static final String SERVICE_CONFIG = "leukostream.dead-letter.service";

  private KafkaProducer<String, DeadLetter> producer;
  private Topic<DeadLetter> topic;
  private String service;

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs) {
    Object name = configs.get(TOPIC_CONFIG);
    Topic<?> found =
        Topics.byName(String.valueOf(name))
            .filter(t -> t.valueType() == DeadLetter.class)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        TOPIC_CONFIG
                            + " must name a dead-letter topic of the catalogue, not "
                            + name));
    topic = (Topic<DeadLetter>) found;
    Object serviceName = configs.get(SERVICE_CONFIG);
    service = serviceName == null ? "unknown" : serviceName.toString();
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // The envelope of an input record near its topic's limit is larger than the record: the
    // dead-letter topic is sized for it, and so is this producer's request (not the 1 MiB default,
    // which would fail the send and stop the stream on every restart).
    producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes());
    configs.forEach(
        (key, value) -> {
          if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
            producerConfig.put(key, value);
          }
        });
    producer =
        new KafkaProducer<>(
            producerConfig, new StringSerializer(), topic.valueSerde(configs).serializer());
  }

  /** Input records this JVM's handlers have dead-lettered. */
  public static long deadLettered() {
    return DEAD_LETTERED.get();
  }

  @Override
  public DeserializationHandlerResponse handle(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RegistryUnavailableException) {
      LOG.error(
          "Schema registry unreachable while reading {}: stopping", context.topic(), exception);
      return DeserializationHandlerResponse.FAIL;
    }
    String caseId =
        record.key() == null
            ? null
            : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    DeadLetter letter =
        DeadLetters.of(
            service,
            record.topic(),
            record.partition(),
            record.offset(),
            record.key(),
            record.value(),
            caseId,
            exception,
            Instant.now());
    try {
      producer.send(new ProducerRecord<>(topic.name(), caseId, letter)).get(30, TimeUnit.SECONDS);
      DEAD_LETTERED.incrementAndGet();
      LOG.warn(
          "Dead-lettered {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          exception.getMessage());
      return DeserializationHandlerResponse.CONTINUE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DeserializationHandlerResponse.FAIL;
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("Cannot write the dead letter for {}: stopping", record.topic(), e);
      return DeserializationHandlerResponse.FAIL;
    }
  }
}
