package org.leukostream.schemas.messaging;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * A service's {@code retry.*} settings (a {@code @ConfigMapping} group): how often a failure that
 * is not the record's is tried, with growing waits, before the service stops consuming (health
 * DOWN, the record uncommitted) instead of dead-lettering good data.
 */
public interface RetrySettings {
  /** Tries in all, the first one included. */
  @WithDefault("4")
  int attempts();

  /** Wait after the first failure; doubled after each further one. */
  @WithDefault("1s")
  Duration initialBackoff();

  @WithDefault("8s")
  Duration maxBackoff();

  /** As the core applies it. */
  default Backoff backoff() {
    return new Backoff(attempts(), initialBackoff(), maxBackoff());
  }
}
