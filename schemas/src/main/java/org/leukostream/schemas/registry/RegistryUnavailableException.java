package org.leukostream.schemas.registry;

/**
 * No registry URL answered the call (connection refused, timeout, a 5xx, 408 or 429 reply), or
 * every one refused this client (401, 403, 407) or was not a registry (a reply that is not JSON):
 * the record is not at fault, and the call may succeed once the registry or the settings are right.
 */
public final class RegistryUnavailableException extends SchemaRegistryException {
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, 0, cause);
  }

  public RegistryUnavailableException(String message, int errorCode) {
    super(message, errorCode);
  }
}
