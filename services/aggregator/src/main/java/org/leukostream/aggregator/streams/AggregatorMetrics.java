package org.leukostream.aggregator.streams;

import org.leukostream.avro.Decision;

/**
 * What the topology reports as it goes; the service backs it with Micrometer, others count nothing.
 */
public interface AggregatorMetrics {
  /** Counts nothing (benchmarks, tests). */
  AggregatorMetrics NONE = new AggregatorMetrics() {};

  default void labelCounted() {}

  default void duplicateIgnored() {}

  /**
   * A case's FINAL, with whether it is BORDERLINE and how long after the scanner closed the case
   * (its last field sent) it was decided; {@code sinceClosedMillis} is negative when the case has
   * no CLOSED event (decided on a timeout).
   */
  default void finalEmitted(Decision decision, boolean borderline, long sinceClosedMillis) {}

  default void deadLettered() {}

  /** Cases with state and no FINAL yet, as of the last punctuation. */
  default void openCases(long count) {}

  /**
   * A label of a cell its case never labelled, after the case's FINAL: dead-lettered (to be
   * replayed after a reopening) and counted here, never in the case.
   */
  default void lateIgnored() {}

  /** A case no OPENED or CLOSED event named, dropped at the timeout instead of reported. */
  default void unknownCaseDropped() {}

  /**
   * How far behind the wall clock the pipeline's watermark is, as of the last punctuation.
   *
   * @param watermark {@link PipelineWatermark#UNKNOWN} while the pipeline has not been seen
   */
  default void pipelineDrainedUntil(long now, long watermark) {}

  /** The records each watched consumer group has yet to read, as last sampled. */
  default void groupLag(java.util.Map<String, Long> lag) {}

  /** Labels of cells no field result of their case reported by its FINAL: not counted. */
  default void undetectedLabelsIgnored(int count) {}

  /** A decided case taken back to counting (REOPENED). */
  default void caseReopened() {}
}
