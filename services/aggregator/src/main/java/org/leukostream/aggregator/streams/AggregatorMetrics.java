package org.leukostream.aggregator.streams;

import org.leukostream.avro.Decision;

/** What the topology reports as it goes; the service backs it with Micrometer. */
public interface AggregatorMetrics {
  AggregatorMetrics NONE =
      new AggregatorMetrics() {
        @Override
        public void labelCounted() {}

        @Override
        public void duplicateIgnored() {}

        @Override
        public void finalEmitted(Decision decision) {}

        @Override
        public void deadLettered() {}

        @Override
        public void openCases(long count) {}
      };

  void labelCounted();

  void duplicateIgnored();

  void finalEmitted(Decision decision);

  void deadLettered();

  /** Cases with state and no FINAL yet, as of the last punctuation. */
  void openCases(long count);
}
