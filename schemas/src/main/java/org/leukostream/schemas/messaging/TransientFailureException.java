package org.leukostream.schemas.messaging;

/**
 * A failure that is not the record's fault (its claim-check store unreachable, the inference engine
 * failing on every input) and that outlasted its {@link Backoff}. A service's core throws it
 * instead of dead-lettering good data; the adapter lets it stop consumption with the record
 * uncommitted (the Quarkus channel fails and health turns DOWN, the demo's worker stops), so that
 * the record is read again once the cause is fixed.
 */
public final class TransientFailureException extends RuntimeException {
  public TransientFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
