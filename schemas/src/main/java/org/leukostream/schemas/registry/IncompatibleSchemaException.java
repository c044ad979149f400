package org.leukostream.schemas.registry;

/** Registering the schema would break the subject's compatibility rule (HTTP 409). */
public final class IncompatibleSchemaException extends SchemaRegistryException {
  public IncompatibleSchemaException(String message) {
    super(message, ErrorCodes.INCOMPATIBLE_SCHEMA);
  }
}
