package org.leukostream.cli.pipeline;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicSink;

/**
 * A service's core on plain Kafka clients, as the Quarkus service runs it: poll a batch of raw
 * records (at most the service's own {@code max.poll.records}), hand it to the core, wait until the
 * broker has every output the core wrote for it (labels, crops, results, dead letters), and only
 * then commit the batch's offsets. A core that throws (registry unreachable, shutting down) stops
 * the worker with the batch uncommitted, to be read again; the aggregator counts each cell id once.
 */
public final class StageWorker implements Runnable, AutoCloseable {
  /** What a service's core does with one poll's records; returns the sends to wait for. */
  interface Stage {
    List<CompletionStage<?>> handle(ConsumerRecords<String, byte[]> records);
  }

  private final String name;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Stage stage;
  private final Duration sendTimeout;
  private final Thread thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running = true;

  /**
   * @param clientConfig bootstrap servers (and security settings)
   * @param groupId the service's consumer group
   * @param maxPollRecords the service's batch size
   */
  StageWorker(
      String name,
      Map<String, Object> clientConfig,
      String groupId,
      Topic<?> input,
      int maxPollRecords,
      Stage stage,
      Duration sendTimeout) {
    this.name = name;
    this.consumer =
        new KafkaConsumer<>(
            consumerConfig(clientConfig, groupId, input, maxPollRecords),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    this.consumer.subscribe(List.of(input.name()));
    this.stage = stage;
    this.sendTimeout = sendTimeout;
    this.thread = new Thread(this, "leukostream-" + name);
    this.thread.setDaemon(true);
  }

  /**
   * A service's consumer settings: its group, from the earliest offset, committed by hand after the
   * outputs are acknowledged, committed records only, at most {@code maxPollRecords} a poll.
   */
  public static Map<String, Object> consumerConfig(
      Map<String, Object> clientConfig, String groupId, Topic<?> input, int maxPollRecords) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, input.maxMessageBytes());
    return config;
  }

  void start() {
    thread.start();
  }

  /** Why the stage stopped on its own, if it did. */
  Throwable failure() {
    return failure.get();
  }

  @Override
  public void run() {
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        TopicSink.acknowledged(stage.handle(records), sendTimeout).get();
        consumer.commitSync();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure.set(e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(30).toMillis());
  }

  @Override
  public String toString() {
    return name;
  }
}
