package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ConsumerGroupLagTest {
  static final TopicPartition CROPS_0 = new TopicPartition("cell.crops.v1", 0);
  static final TopicPartition CROPS_1 = new TopicPartition("cell.crops.v1", 1);
  static final TopicPartition FIELDS_0 = new TopicPartition("slide.fields.v1", 0);

  @Test
  void aGroupsLagIsWhatItHasNotReadOnItsOwnTopics() {
    Map<TopicPartition, Long> ends = Map.of(CROPS_0, 100L, CROPS_1, 40L, FIELDS_0, 7L);

    assertThat(
            ConsumerGroupWatermark.lag(
                ends, Map.of(CROPS_0, 90L, CROPS_1, 40L), Set.of("cell.crops.v1")))
        .isEqualTo(10);
    // A partition the group never committed on is unread whole; another stage's topic is not its.
    assertThat(ConsumerGroupWatermark.lag(ends, Map.of(CROPS_0, 100L), Set.of("cell.crops.v1")))
        .isEqualTo(40);
    assertThat(ConsumerGroupWatermark.lag(ends, null, Set.of("slide.fields.v1"))).isEqualTo(7);
    // A committed offset past a stale end (the end sampled first) is no negative lag.
    assertThat(ConsumerGroupWatermark.lag(ends, Map.of(FIELDS_0, 9L), Set.of("slide.fields.v1")))
        .isZero();
  }
}
