package org.leukostream.aggregator.streams;

/**
 * How far the pipeline in front of the aggregator has got: every record that was on any of its
 * topics at the watermark has been processed by every stage, the aggregator included. A case whose
 * last record came at least the incomplete timeout before the watermark has been silent although
 * nothing was queued for it: it is stalled, and may be finalised as INCOMPLETE. A case that waits
 * on a stage that is down or behind (records queued before its consumer) is not: the watermark
 * stands still until that stage has caught up.
 */
@FunctionalInterface
public interface PipelineWatermark extends AutoCloseable {
  /** Nothing known yet: no case is stalled. */
  long UNKNOWN = Long.MIN_VALUE;

  /**
   * The pipeline is taken to be caught up at every moment: silence by the wall clock alone, for
   * tests that drive time by hand and for an aggregator with no stages configured to watch.
   */
  PipelineWatermark WALL_CLOCK = now -> now;

  /**
   * @param nowMillis the wall clock of the caller
   * @return epoch milliseconds up to which the pipeline is drained, or {@link #UNKNOWN}
   */
  long watermark(long nowMillis);

  /**
   * The records each watched consumer group has yet to read on its topics, as last sampled (end
   * offsets minus committed offsets, summed over partitions); empty where nothing is sampled.
   */
  default java.util.Map<String, Long> groupLag() {
    return java.util.Map.of();
  }

  /** Stops sampling, where this watermark samples. */
  @Override
  default void close() {}
}
