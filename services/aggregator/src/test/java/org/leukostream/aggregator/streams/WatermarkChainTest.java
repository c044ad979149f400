package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.streams.AggregatorSettings.Upstream.Stage;

class WatermarkChainTest {
  static final TopicPartition FIELDS = new TopicPartition("fields", 0);
  static final TopicPartition CROPS = new TopicPartition("crops", 0);
  static final TopicPartition LABELS = new TopicPartition("labels", 0);
  static final List<Stage> PIPELINE =
      List.of(
          new Stage("detector", Set.of("fields")),
          new Stage("classifier", Set.of("crops")),
          new Stage("aggregator", Set.of("labels")));

  private final WatermarkChain chain = new WatermarkChain(PIPELINE, 100);

  /** End offsets of fields, crops, labels; then committed offsets of the three groups. */
  private static WatermarkChain.Sample sample(
      long at, long[] ends, long detector, long classifier, long aggregator) {
    return new WatermarkChain.Sample(
        at,
        Map.of(FIELDS, ends[0], CROPS, ends[1], LABELS, ends[2]),
        Map.of(
            "detector", Map.of(FIELDS, detector),
            "classifier", Map.of(CROPS, classifier),
            "aggregator", Map.of(LABELS, aggregator)));
  }

  @Test
  void aCaughtUpPipelineTrailsTheNewestSampleByOneIntervalPerLaterStage() {
    long[] ends = {10, 40, 40};
    assertThat(chain.add(sample(1000, ends, 10, 40, 40))).isEqualTo(PipelineWatermark.UNKNOWN);
    assertThat(chain.add(sample(2000, ends, 10, 40, 40))).isEqualTo(PipelineWatermark.UNKNOWN);
    assertThat(chain.add(sample(3000, ends, 10, 40, 40))).isEqualTo(1000);
    assertThat(chain.add(sample(4000, ends, 10, 40, 40))).isEqualTo(2000);
  }

  @Test
  void aStageThatIsDownHoldsTheWatermarkWhateverTheOthersDo() {
    chain.add(sample(1000, new long[] {10, 40, 40}, 10, 40, 40));
    chain.add(sample(2000, new long[] {10, 40, 40}, 10, 40, 40));
    chain.add(sample(3000, new long[] {10, 40, 40}, 10, 40, 40));
    // From 4 s on the classifier is down: crops queue while fields and labels keep up.
    for (long at = 4000; at < 60_000; at += 1000) {
      long crops = 40 + at / 100;
      assertThat(chain.add(sample(at, new long[] {20, crops, 40}, 20, 40, 40)))
          .as("at %d", at)
          .isLessThanOrEqualTo(2000);
    }
    assertThat(chain.holdingBack()).contains("classifier");
    // It comes back and labels everything; the aggregator counts the labels.
    chain.add(sample(60_000, new long[] {20, 640, 640}, 20, 640, 40));
    chain.add(sample(61_000, new long[] {20, 640, 640}, 20, 640, 640));
    assertThat(chain.add(sample(62_000, new long[] {20, 640, 640}, 20, 640, 640)))
        .isEqualTo(60_000);
  }

  @Test
  void whatAStageWroteMustReachTheNextStageAfterItsCommitWasSeen() {
    // The detector caught up at 1 s and the classifier had read every crop then; crops written by
    // the detector for those fields appear at 2 s: the watermark waits for the classifier.
    chain.add(sample(1000, new long[] {10, 40, 40}, 10, 40, 40));
    chain.add(sample(2000, new long[] {10, 80, 40}, 10, 40, 40));
    assertThat(chain.add(sample(3000, new long[] {10, 80, 40}, 10, 40, 40)))
        .isEqualTo(PipelineWatermark.UNKNOWN);
    chain.add(sample(4000, new long[] {10, 80, 80}, 10, 80, 40));
    // The crops of 3 s were labelled by 4 s, and those labels counted by 5 s.
    assertThat(chain.add(sample(5000, new long[] {10, 80, 80}, 10, 80, 80))).isEqualTo(3000);
  }

  @Test
  void aGroupThatNeverCommittedIsBehindOnATopicWithRecords() {
    var noClassifier =
        new WatermarkChain.Sample(
            1000,
            Map.of(FIELDS, 0L, CROPS, 5L, LABELS, 0L),
            Map.of("detector", Map.of(), "aggregator", Map.of()));
    for (int i = 0; i < 5; i++) {
      assertThat(chain.add(noClassifier)).isEqualTo(PipelineWatermark.UNKNOWN);
    }
    assertThat(chain.holdingBack()).contains("classifier");
  }

  @Test
  void samplesBeyondTheCapacityAreDroppedOldestFirst() {
    var small = new WatermarkChain(PIPELINE, 3);
    for (long at = 1000; at <= 10_000; at += 1000) {
      small.add(sample(at, new long[] {10, 40 + at, 40}, 10, 40, 40));
    }
    small.add(sample(11_000, new long[] {10, 11_040, 11_040}, 10, 11_040, 40));
    small.add(sample(12_000, new long[] {10, 11_040, 11_040}, 10, 11_040, 11_040));
    assertThat(small.add(sample(13_000, new long[] {10, 11_040, 11_040}, 10, 11_040, 11_040)))
        .as("the oldest sample kept, not the first taken")
        .isGreaterThanOrEqualTo(8000);
  }

  @Test
  void aPipelineWithoutStagesIsRefused() {
    assertThatThrownBy(() -> new WatermarkChain(List.of(), 10))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
