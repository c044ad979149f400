package org.leukostream.aggregator.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.leukostream.avro.Decision;
import org.leukostream.schemas.deadletter.DeadLetterDeserializationHandler;
import org.leukostream.schemas.deadletter.DeadLetterMeters;

/**
 * The aggregator's counters on {@code /q/metrics}. A singleton, not a lazily created proxy, so the
 * meters exist (at 0) from start-up, before the first label.
 */
@Singleton
public class MicrometerAggregatorMetrics implements AggregatorMetrics {
  private static final String DEAD_LETTERS = "leukostream.aggregator.dead.letters";
  private final MeterRegistry registry;
  private final Counter labels;
  private final Counter duplicates;
  private final Counter deadLetters;
  private final AtomicLong openCases = new AtomicLong();
  private final Counter late;
  private final Counter unknownCases;
  private final Counter undetectedLabels;
  private final Counter reopened;
  private final Timer caseLatency;
  private final Map<String, AtomicLong> groupLag = new ConcurrentHashMap<>();
  private final AtomicLong watermarkLagMillis = new AtomicLong(-1);

  public MicrometerAggregatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.labels = registry.counter("leukostream.aggregator.labels.counted");
    this.duplicates = registry.counter("leukostream.aggregator.duplicates.ignored");
    this.deadLetters = registry.counter(DEAD_LETTERS, "reason", "processing");
    FunctionCounter.builder(
            DEAD_LETTERS, this, metrics -> DeadLetterDeserializationHandler.deadLettered())
        .tag("reason", "undecodable")
        .register(registry);
    registry.gauge("leukostream.aggregator.cases.open", openCases);
    this.late = registry.counter("leukostream.aggregator.late.labels.ignored");
    this.unknownCases = registry.counter("leukostream.aggregator.unknown.cases.dropped");
    this.undetectedLabels = registry.counter("leukostream.aggregator.undetected.labels.ignored");
    this.reopened = registry.counter("leukostream.aggregator.cases.reopened");
    // The SLO: from the scanner's CLOSED (its last field sent) to the case's FINAL.
    this.caseLatency =
        Timer.builder("leukostream.case.latency")
            .description("From a case's CLOSED event (last field sent) to its FINAL diagnosis")
            .serviceLevelObjectives(
                Duration.ofSeconds(5),
                Duration.ofSeconds(15),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofMinutes(2),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10),
                Duration.ofMinutes(30))
            .register(registry);
    DeadLetterMeters.bindTo(registry);
    // -1 while the pipeline's offsets have not been read; an alert on a rising value finds the
    // stage that holds cases back (the log names it).
    registry.gauge(
        "leukostream.aggregator.pipeline.watermark.lag.seconds",
        watermarkLagMillis,
        lag -> lag.get() < 0 ? -1 : lag.get() / 1000.0);
  }

  @Override
  public void caseReopened() {
    reopened.increment();
  }

  @Override
  public void undetectedLabelsIgnored(int count) {
    undetectedLabels.increment(count);
  }

  @Override
  public void pipelineDrainedUntil(long now, long watermark) {
    watermarkLagMillis.set(
        watermark == PipelineWatermark.UNKNOWN ? -1 : Math.max(0, now - watermark));
  }

  @Override
  public void groupLag(Map<String, Long> lag) {
    lag.forEach(
        (group, records) ->
            groupLag
                .computeIfAbsent(
                    group,
                    g -> {
                      AtomicLong value = new AtomicLong();
                      Gauge.builder("leukostream.consumer.group.lag", value, AtomicLong::get)
                          .description(
                              "Records a consumer group of the pipeline has yet to read on its"
                                  + " topics (end minus committed offsets), as the aggregator"
                                  + " last sampled them")
                          .baseUnit("records")
                          .tag("group", g)
                          .register(registry);
                      return value;
                    })
                .set(records));
  }

  @Override
  public void lateIgnored() {
    late.increment();
  }

  @Override
  public void unknownCaseDropped() {
    unknownCases.increment();
  }

  @Override
  public void labelCounted() {
    labels.increment();
  }

  @Override
  public void duplicateIgnored() {
    duplicates.increment();
  }

  @Override
  public void finalEmitted(Decision decision, boolean borderline, long sinceClosedMillis) {
    registry
        .counter(
            "leukostream.aggregator.finals",
            "decision",
            decision.name(),
            "borderline",
            Boolean.toString(borderline))
        .increment();
    if (sinceClosedMillis >= 0) {
      caseLatency.record(sinceClosedMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void deadLettered() {
    deadLetters.increment();
  }

  @Override
  public void openCases(long count) {
    openCases.set(count);
  }
}
