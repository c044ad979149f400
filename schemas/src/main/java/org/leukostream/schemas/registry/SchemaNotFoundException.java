package org.leukostream.schemas.registry;

/** A schema id, subject or version is not registered (error codes 40401, 40402, 40403). */
public final class SchemaNotFoundException extends SchemaRegistryException {
  public SchemaNotFoundException(String message, int errorCode) {
    super(message, errorCode);
  }
}
