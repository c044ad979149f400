package org.leukostream.schemas.messaging;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a service's core retries a failure that is not the record's (a claim-check store or the
 * inference engine that is down): {@code attempts} tries in all, waiting {@code initial} after the
 * first failure and twice as long after each further one, at most {@code max}. Past the last
 * attempt the core throws {@link TransientFailureException} instead of dead-lettering the record.
 */
public record Backoff(int attempts, Duration initial, Duration max) {
  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);

  public Backoff {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max: " + initial + ", " + max);
    }
  }

  /** The wait after failed attempt {@code attempt} (counted from 1). */
  public Duration delay(int attempt) {
    long millis = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
    return Duration.ofMillis(Math.min(millis < 0 ? Long.MAX_VALUE : millis, max.toMillis()));
  }

  /** Waits {@link #delay(int)} after failed attempt {@code attempt}. */
  public void pause(int attempt) throws InterruptedException {
    Thread.sleep(delay(attempt).toMillis());
  }

  /**
   * After failed attempt {@code attempt} at {@code subject} (e.g. "case c field 3"), for a {@code
   * cause} that is not the record's: waits before the next attempt, or stops with the record left
   * for redelivery, by an {@link IllegalStateException} once {@code shuttingDown} or when
   * interrupted, and by a {@link TransientFailureException} ("{@code subject notDone} after N
   * attempts") past the last attempt.
   */
  public void retryOrStop(
      String subject, String notDone, int attempt, Throwable cause, BooleanSupplier shuttingDown) {
    if (shuttingDown.getAsBoolean()) {
      throw new IllegalStateException("Shutting down: " + subject + " left for redelivery", cause);
    }
    if (attempt >= attempts) {
      throw new TransientFailureException(
          subject + " " + notDone + " after " + attempt + " attempts, and not its fault: " + cause,
          cause);
    }
    LOG.warn(
        "{}: attempt {} of {} failed, not its fault ({}); next in {}",
        subject,
        attempt,
        attempts,
        cause,
        delay(attempt));
    try {
      pause(attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted: " + subject + " left for redelivery", cause);
    }
  }
}
