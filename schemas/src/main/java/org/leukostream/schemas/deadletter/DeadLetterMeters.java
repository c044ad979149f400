package org.leukostream.schemas.deadletter;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exports {@link DeadLetterTally} as {@code leukostream_dead_letters_total{service,topic,reason}}:
 * each service binds its registry once; a series appears with its first dead letter.
 */
public final class DeadLetterMeters {
  static final String NAME = "leukostream.dead.letters";

  private DeadLetterMeters() {}

  /** Exports this JVM's dead-letter counts on {@code registry}, now and as new series appear. */
  public static void bindTo(MeterRegistry registry) {
    // Weakly held: a test JVM starts and stops several applications, each with its registry.
    WeakReference<MeterRegistry> held = new WeakReference<>(registry);
    DeadLetterTally.watch(
        series -> {
          MeterRegistry target = held.get();
          if (target != null) {
            FunctionCounter.builder(NAME, series.count(), LongAdder::sum)
                .description("Records dead-lettered, by service, input topic and error")
                .tag("service", series.service())
                .tag("topic", series.topic())
                .tag("reason", series.reason())
                .register(target);
          }
        });
  }
}
