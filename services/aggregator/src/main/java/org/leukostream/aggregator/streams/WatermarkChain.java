package org.leukostream.aggregator.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.leukostream.aggregator.streams.AggregatorSettings.Upstream.Stage;

/**
 * The pipeline watermark from samples of the end offsets of its topics and the committed offsets of
 * its consumer groups, taken one after another (end offsets first, then committed offsets).
 *
 * <p>The records on the first stage's topics at sample {@code i} are processed once the first
 * stage's group has committed past those end offsets, at sample {@code j0 >= i}. What it wrote for
 * them was written before that commit was seen, so it is on the next stage's topics by the end
 * offsets of sample {@code j0 + 1}; the next stage has processed it once its committed offsets pass
 * those, at {@code j1 >= j0 + 1}; and so on to the last stage (the aggregator). When the chain
 * reaches the last stage, every record of sample {@code i} and everything it led to has reached the
 * aggregator: the watermark is sample {@code i}'s time. With every stage caught up it trails the
 * newest sample by one sampling interval per stage after the first.
 */
final class WatermarkChain {
  /**
   * One sample.
   *
   * @param atMillis when the end offsets were read
   * @param ends end offsets of every partition of every stage's topics
   * @param committed per group, its committed offsets (a partition it never committed: 0)
   */
  record Sample(
      long atMillis,
      Map<TopicPartition, Long> ends,
      Map<String, Map<TopicPartition, Long>> committed) {}

  private final List<Stage> stages;
  private final int capacity;
  private final List<Sample> samples = new ArrayList<>();
  private long watermark = PipelineWatermark.UNKNOWN;

  /**
   * @param stages in pipeline order, the aggregator last
   * @param capacity samples kept while a stage is behind; beyond it the oldest are dropped (the
   *     watermark then waits for a later one)
   */
  WatermarkChain(List<Stage> stages, int capacity) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a pipeline watermark needs at least one stage");
    }
    this.stages = List.copyOf(stages);
    this.capacity = capacity;
  }

  /** Adds the newest sample; returns the watermark. */
  synchronized long add(Sample sample) {
    samples.add(sample);
    // Offsets only grow, so the drained samples are the oldest ones: find the newest of them.
    int drained = -1;
    while (drained + 1 < samples.size() && drained(drained + 1)) {
      drained++;
    }
    if (drained >= 0) {
      watermark = Math.max(watermark, samples.get(drained).atMillis());
      samples.subList(0, drained + 1).clear();
    }
    if (samples.size() > capacity) {
      samples.subList(0, samples.size() - capacity).clear();
    }
    return watermark;
  }

  synchronized long watermark() {
    return watermark;
  }

  /**
   * The consumer group that holds the watermark back: where the oldest sample not yet drained has
   * not got through; empty when every sample so far is drained.
   */
  synchronized Optional<String> holdingBack() {
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    int stage = brokenAt(0);
    return stage < 0 ? Optional.empty() : Optional.of(stages.get(stage).group());
  }

  private boolean drained(int first) {
    return brokenAt(first) < 0;
  }

  /** The stage where the chain of sample {@code first} stops so far, or -1 if it is complete. */
  private int brokenAt(int first) {
    int from = first;
    for (int k = 0; k < stages.size(); k++) {
      if (from == samples.size()) {
        return k;
      }
      Stage stage = stages.get(k);
      int at = from;
      while (at < samples.size() && !caughtUp(stage, samples.get(at), samples.get(from))) {
        at++;
      }
      if (at == samples.size()) {
        return k;
      }
      from = at + 1;
    }
    return -1;
  }

  /** Whether {@code stage}'s group had, at {@code later}, committed past {@code earlier}'s ends. */
  private static boolean caughtUp(Stage stage, Sample later, Sample earlier) {
    Map<TopicPartition, Long> committed = later.committed().getOrDefault(stage.group(), Map.of());
    for (var end : earlier.ends().entrySet()) {
      if (stage.topics().contains(end.getKey().topic())
          && committed.getOrDefault(end.getKey(), 0L) < end.getValue()) {
        return false;
      }
    }
    return true;
  }
}
