package org.leukostream.images;

/**
 * The claim-check store could not serve an image that may well be there: unreachable, timed out, a
 * server error or throttling, or this service's credentials or permissions refused. Not the field's
 * fault: the detector retries, then stops consuming, instead of rejecting the field.
 */
public final class ImageStoreUnavailableException extends Exception {
  public ImageStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
