package org.leukostream.models.store;

/** A model directory that cannot be used: missing, corrupt or not matching its manifest. */
public final class ModelStoreException extends RuntimeException {
  public ModelStoreException(String message) {
    super(message);
  }

  public ModelStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
