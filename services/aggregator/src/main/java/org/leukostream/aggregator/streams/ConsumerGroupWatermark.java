package org.leukostream.aggregator.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.leukostream.aggregator.streams.AggregatorSettings.Upstream.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PipelineWatermark} of a running pipeline, sampled with an admin client on a thread of
 * its own (the stream thread only reads the last value): end offsets of the stages' topics, then
 * the committed offsets of their consumer groups, chained by {@link WatermarkChain}. A sample that
 * fails (broker or group unreachable, a topic missing) is skipped: the watermark stands still, so
 * no case is called stalled because the pipeline could not be seen.
 */
public final class ConsumerGroupWatermark implements PipelineWatermark {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupWatermark.class);

  /** About a day of samples at the default interval while a stage is down. */
  private static final int CAPACITY = 20_000;

  private final Admin admin;
  private final WatermarkChain chain;
  private final Set<String> topics = new LinkedHashSet<>();
  private final Set<String> groups = new LinkedHashSet<>();
  private final Duration timeout;
  private final ScheduledExecutorService sampler;
  private volatile long lastReport;
  private final List<Stage> stages;
  private volatile Map<String, Long> lag = Map.of();

  private ConsumerGroupWatermark(
      Map<String, Object> adminConfig, List<Stage> stages, Duration interval) {
    this.chain = new WatermarkChain(stages, CAPACITY);
    this.stages = List.copyOf(stages);
    stages.forEach(
        s -> {
          topics.addAll(s.topics());
          groups.add(s.group());
        });
    this.timeout =
        interval.multipliedBy(4).compareTo(Duration.ofSeconds(10)) > 0
            ? interval.multipliedBy(4)
            : Duration.ofSeconds(10);
    Map<String, Object> config = new HashMap<>(adminConfig);
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "leukostream-aggregator-watermark");
    this.admin = Admin.create(config);
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "leukostream-pipeline-watermark");
              thread.setDaemon(true);
              return thread;
            });
    sampler.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts sampling the pipeline of {@code upstream}'s stages followed by the aggregator itself.
   *
   * @param adminConfig bootstrap servers and security settings of the aggregator's own clients
   * @param applicationId the aggregator's Kafka Streams application id (its consumer group)
   * @param upstream the stages before the aggregator; none: {@link #WALL_CLOCK} is returned
   */
  public static PipelineWatermark start(
      Map<String, Object> adminConfig, String applicationId, AggregatorSettings.Upstream upstream) {
    if (upstream.stages().isEmpty()) {
      return WALL_CLOCK;
    }
    List<Stage> stages = new ArrayList<>(upstream.stages());
    Set<String> own = new LinkedHashSet<>();
    AggregatorTopology.inputs().forEach(t -> own.add(t.name()));
    stages.add(new Stage(applicationId, own));
    return new ConsumerGroupWatermark(adminConfig, stages, upstream.sampleInterval());
  }

  @Override
  public long watermark(long nowMillis) {
    return chain.watermark();
  }

  @Override
  public Map<String, Long> groupLag() {
    return lag;
  }

  /**
   * The records a group has yet to read on {@code topics}: per partition its end offset minus the
   * group's committed offset (the whole partition where it has committed none), summed.
   */
  static long lag(
      Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed, Set<String> topics) {
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (topics.contains(end.getKey().topic())) {
        long read = committed == null ? 0 : committed.getOrDefault(end.getKey(), 0L);
        lag += Math.max(0, end.getValue() - read);
      }
    }
    return lag;
  }

  private void sample() {
    try {
      long at = System.currentTimeMillis();
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      for (TopicDescription topic :
          admin
              .describeTopics(topics)
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .values()) {
        topic
            .partitions()
            .forEach(
                p ->
                    partitions.put(
                        new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(partitions, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((tp, info) -> ends.put(tp, info.offset()));
      Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
      groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
      var offsets = admin.listConsumerGroupOffsets(specs);
      Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
      for (String group : groups) {
        Map<TopicPartition, Long> byPartition = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> read =
            offsets
                .partitionsToOffsetAndMetadata(group)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        read.forEach(
            (tp, offset) -> {
              if (offset != null) {
                byPartition.put(tp, offset.offset());
              }
            });
        committed.put(group, byPartition);
      }
      Map<String, Long> lags = new LinkedHashMap<>();
      stages.forEach(
          stage ->
              lags.put(stage.group(), lag(ends, committed.get(stage.group()), stage.topics())));
      lag = Map.copyOf(lags);
      long watermark = chain.add(new WatermarkChain.Sample(at, ends, committed));
      reportIfBehind(at, watermark);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("Pipeline watermark not sampled: {}", e.toString());
      if (System.currentTimeMillis() - lastReport > Duration.ofMinutes(1).toMillis()) {
        lastReport = System.currentTimeMillis();
        LOG.warn(
            "The pipeline's offsets cannot be read ({}); no case is finalised as INCOMPLETE until"
                + " they can",
            e.toString());
      }
    }
  }

  private void reportIfBehind(long at, long watermark) {
    if (watermark != UNKNOWN
        && at - watermark > Duration.ofMinutes(1).toMillis()
        && at - lastReport > Duration.ofMinutes(1).toMillis()) {
      lastReport = at;
      LOG.warn(
          "The pipeline is drained only up to {} s ago; held back by consumer group {}. Cases"
              + " waiting on it are not finalised as INCOMPLETE",
          (at - watermark) / 1000,
          chain.holdingBack().orElse("(none)"));
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    admin.close(Duration.ofSeconds(5));
  }
}
