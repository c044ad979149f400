package org.leukostream.images;

/**
 * An image that cannot be used: its message becomes the REJECTED field result's reason and the
 * dead-letter record's error, so it names what is wrong in words an operator can act on.
 */
public class ImageRejectedException extends Exception {
  public ImageRejectedException(String message) {
    super(message);
  }

  public ImageRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
