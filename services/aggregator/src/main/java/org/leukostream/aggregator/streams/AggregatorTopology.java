package org.leukostream.aggregator.streams;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.leukostream.aggregator.state.CaseStateSerde;
import org.leukostream.aggregator.state.CountedCell;
import org.leukostream.aggregator.state.HeldLabel;
import org.leukostream.aggregator.state.JsonSerde;
import org.leukostream.schemas.StandaloneStreams;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetters;

/**
 * The aggregator's topology, a pure builder: the four co-partitioned inputs keyed by case id feed
 * one processor with persistent stores (per case; per cell: seen, held label, counted call); it
 * writes diagnoses and dead letters.
 */
public final class AggregatorTopology {
  /** The name the aggregator gives itself in dead letters. */
  public static final String SERVICE = "aggregator";

  public static final String CASE_STORE = "case-state";
  public static final String CELL_STORE = "case-cells";
  public static final String HELD_STORE = "case-held-labels";
  public static final String CALL_STORE = "case-cell-calls";
  public static final String PROCESSOR = "case-aggregator";
  static final String DIAGNOSES_SINK = "diagnoses-sink";
  static final String DLQ_SINK = "dead-letter-sink";

  private AggregatorTopology() {}

  /**
   * The topology on plain Kafka Streams outside Quarkus (the demo, {@code bench aggregator},
   * multi-instance tests), configured as the service runs it.
   */
  public static KafkaStreams standalone(
      StandaloneStreams where, AggregatorSettings settings, AggregatorMetrics metrics) {
    return standalone(where, settings, metrics, OpenTelemetry.noop().getTracer(SERVICE));
  }

  /** As {@link #standalone(StandaloneStreams, AggregatorSettings, AggregatorMetrics)}, traced. */
  public static KafkaStreams standalone(
      StandaloneStreams where,
      AggregatorSettings settings,
      AggregatorMetrics metrics,
      Tracer tracer) {
    PipelineWatermark watermark =
        ConsumerGroupWatermark.start(
            Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, where.bootstrapServers()),
            where.applicationId(),
            settings.upstream());
    KafkaStreams streams =
        where.create(
            build(settings, where.serdeConfig(), metrics, watermark, tracer),
            SERVICE,
            Topics.AGGREGATOR_DLQ);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            watermark.close();
          }
        });
    return streams;
  }

  /**
   * @param settings rule, taxonomy and timing
   * @param serdeConfig registry settings for the Avro serdes ({@code schema.registry.url}, ...)
   * @param metrics where counters go
   * @param watermark how far the pipeline in front is drained (when a silent case is stalled)
   */
  public static Topology build(
      AggregatorSettings settings,
      Map<String, ?> serdeConfig,
      AggregatorMetrics metrics,
      PipelineWatermark watermark) {
    return build(
        settings, serdeConfig, metrics, watermark, OpenTelemetry.noop().getTracer(SERVICE));
  }

  /**
   * As {@link #build(AggregatorSettings, Map, AggregatorMetrics, PipelineWatermark)}, with {@code
   * tracer} tracing each FINAL: a child of the case's scan, linked to its last label.
   */
  public static Topology build(
      AggregatorSettings settings,
      Map<String, ?> serdeConfig,
      AggregatorMetrics metrics,
      PipelineWatermark watermark,
      Tracer tracer) {
    Topology topology = new Topology();
    Serde<String> keys = Serdes.String();
    for (Topic<?> input : inputs()) {
      topology.addSource(
          "source-" + input.name(),
          keys.deserializer(),
          input.valueSerde(serdeConfig).deserializer(),
          input.name());
    }
    topology.addProcessor(
        PROCESSOR,
        () ->
            new CaseAggregator(
                settings, metrics, DeadLetters.reencoder(serdeConfig), watermark, tracer),
        inputs().stream().map(t -> "source-" + t.name()).toArray(String[]::new));
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CASE_STORE), keys, new CaseStateSerde())
            // A case's state changes with every label: the cache writes it to RocksDB and the
            // changelog
            // once per commit instead of once per label.
            .withCachingEnabled(),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CELL_STORE), Serdes.Bytes(), Serdes.Integer())
            .withCachingEnabled(),
        PROCESSOR);
    // Labels of cells no field result has reported yet: rare (a label follows its field's result),
    // so no cache.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(HELD_STORE), keys, new JsonSerde<>(HeldLabel.class)),
        PROCESSOR);
    // What each counted cell adds, for a reviewer's change to replace: one small entry per cell.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CALL_STORE),
                keys,
                new JsonSerde<>(CountedCell.class))
            .withCachingEnabled(),
        PROCESSOR);
    topology.addSink(
        DIAGNOSES_SINK,
        Topics.DIAGNOSES.name(),
        keys.serializer(),
        Topics.DIAGNOSES.recordSerializer(serdeConfig),
        PROCESSOR);
    topology.addSink(
        DLQ_SINK,
        Topics.AGGREGATOR_DLQ.name(),
        keys.serializer(),
        Topics.AGGREGATOR_DLQ.recordSerializer(serdeConfig),
        PROCESSOR);
    return topology;
  }

  /** The topics the aggregator reads, all keyed by case id. */
  public static List<Topic<?>> inputs() {
    return List.of(
        Topics.CASE_EVENTS, Topics.FIELD_RESULTS, Topics.CELL_LABELS, Topics.CELL_REVIEWS);
  }
}
