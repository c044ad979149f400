package org.leukostream.schemas.registry;

/**
 * A schema registry call failed. Subclasses tell the cases a caller treats differently: the
 * registry could not be reached (retry), something is not registered (poison input) or a schema is
 * not compatible (a bug in the producer).
 */
public class SchemaRegistryException extends RuntimeException {
  private final int errorCode;

  public SchemaRegistryException(String message, int errorCode) {
    this(message, errorCode, null);
  }

  public SchemaRegistryException(String message, int errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /** The Confluent REST error code (e.g. 40403), or 0 where the failure happened before a reply. */
  public int errorCode() {
    return errorCode;
  }
}
