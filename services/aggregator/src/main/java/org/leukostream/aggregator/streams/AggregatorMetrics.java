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

        @Override
        public void lateIgnored() {}

        @Override
        public void unknownCaseDropped() {}

        @Override
        public void pipelineDrainedUntil(long now, long watermark) {}

        @Override
        public void undetectedLabelsIgnored(int count) {}

        @Override
        public void caseReopened() {}
      };

  void labelCounted();

  void duplicateIgnored();

  void finalEmitted(Decision decision);

  void deadLettered();

  /** Cases with state and no FINAL yet, as of the last punctuation. */
  void openCases(long count);

  /**
   * A label after its case's FINAL (its cells are forgotten, so a late one cannot be told from a
   * redelivered one): counted here, never in the case.
   */
  void lateIgnored();

  /** A case no OPENED or CLOSED event named, dropped at the timeout instead of reported. */
  void unknownCaseDropped();

  /**
   * How far behind the wall clock the pipeline's watermark is, as of the last punctuation.
   *
   * @param watermark {@link PipelineWatermark#UNKNOWN} while the pipeline has not been seen
   */
  void pipelineDrainedUntil(long now, long watermark);

  /** Labels of cells no field result of their case reported by its FINAL: not counted. */
  void undetectedLabelsIgnored(int count);

  /** A decided case taken back to counting (REOPENED). */
  void caseReopened();
}
