package org.leukostream.aggregator.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.leukostream.avro.Decision;

/** The aggregator's counters on {@code /q/metrics}. */
@ApplicationScoped
public class MicrometerAggregatorMetrics implements AggregatorMetrics {
  private final MeterRegistry registry;
  private final Counter labels;
  private final Counter duplicates;
  private final Counter deadLetters;
  private final AtomicLong openCases = new AtomicLong();

  public MicrometerAggregatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.labels = registry.counter("leukostream.aggregator.labels.counted");
    this.duplicates = registry.counter("leukostream.aggregator.duplicates.ignored");
    this.deadLetters = registry.counter("leukostream.aggregator.dead.letters");
    registry.gauge("leukostream.aggregator.cases.open", openCases);
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
  public void finalEmitted(Decision decision) {
    registry.counter("leukostream.aggregator.finals", "decision", decision.name()).increment();
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
