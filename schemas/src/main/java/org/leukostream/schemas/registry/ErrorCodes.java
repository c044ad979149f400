package org.leukostream.schemas.registry;

/**
 * Error codes of the Confluent Schema Registry REST API, shared by the client and the dev server.
 */
public final class ErrorCodes {
  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int INCOMPATIBLE_SCHEMA = 409;
  public static final int INVALID_SCHEMA = 42201;
  public static final int INVALID_VERSION = 42202;
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  public static final int ROUTE_NOT_FOUND = 404;

  /** No or wrong credentials (the reply of a secured registry). */
  public static final int UNAUTHORIZED = 401;

  public static final int INTERNAL_ERROR = 50001;

  private ErrorCodes() {}

  /** The HTTP status that carries an error code: its first three digits. */
  public static int httpStatus(int errorCode) {
    return errorCode < 1000 ? errorCode : errorCode / 100;
  }
}
