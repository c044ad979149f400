package org.leukostream.schemas.registry;

/**
 * No registry URL answered (connection refused, timeout, or a 5xx reply); the call may succeed
 * later.
 */
public final class RegistryUnavailableException extends SchemaRegistryException {
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, 0, cause);
  }

  public RegistryUnavailableException(String message, int errorCode) {
    super(message, errorCode);
  }
}
