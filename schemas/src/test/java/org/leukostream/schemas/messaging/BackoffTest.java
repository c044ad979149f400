package org.leukostream.schemas.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void waitsDoubleFromTheFirstUpToTheLimit() {
    Backoff backoff = new Backoff(6, Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertThat(IntStream.rangeClosed(1, 5).mapToObj(backoff::delay))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    assertThat(backoff.delay(400)).isEqualTo(Duration.ofSeconds(5)); // no overflow
  }

  @Test
  void refusesSettingsThatCannotRetry() {
    assertThatThrownBy(() -> new Backoff(0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("attempts must be at least 1");
    assertThatThrownBy(() -> new Backoff(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("0 <= initial <= max");
  }
}
