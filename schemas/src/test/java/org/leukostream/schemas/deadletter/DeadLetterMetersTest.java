package org.leukostream.schemas.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterMetersTest {
  private static void deadLetter(String service, String topic, Exception error) {
    DeadLetters.of(service, topic, 0, 7L, null, new byte[] {1}, "case-1", error, Instant.now());
  }

  private static double exported(SimpleMeterRegistry registry, String service, String reason) {
    var counter =
        registry
            .find("leukostream.dead.letters")
            .tag("service", service)
            .tag("topic", "in.v1")
            .tag("reason", reason)
            .functionCounter();
    return counter == null ? -1 : counter.count();
  }

  @Test
  void everyEnvelopeIsCountedOnceBySeriesInRegistriesBoundBeforeAndAfter() {
    SimpleMeterRegistry before = new SimpleMeterRegistry();
    DeadLetterMeters.bindTo(before);
    deadLetter("meters-test", "in.v1", new IllegalArgumentException("corrupt"));
    deadLetter("meters-test", "in.v1", new IllegalArgumentException("corrupt again"));
    deadLetter("meters-test", "in.v1", new IllegalStateException("other"));

    SimpleMeterRegistry after = new SimpleMeterRegistry();
    DeadLetterMeters.bindTo(after);
    for (SimpleMeterRegistry registry : new SimpleMeterRegistry[] {before, after}) {
      assertThat(exported(registry, "meters-test", "IllegalArgumentException")).isEqualTo(2.0);
      assertThat(exported(registry, "meters-test", "IllegalStateException")).isEqualTo(1.0);
    }
    assertThat(DeadLetterTally.count("meters-test", "in.v1", "IllegalStateException")).isEqualTo(1);
    assertThat(exported(after, "another-service", "IllegalArgumentException")).isEqualTo(-1);
  }
}
