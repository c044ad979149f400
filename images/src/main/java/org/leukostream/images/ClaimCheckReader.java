package org.leukostream.images;

import java.net.URI;

/** Fetches the encoded bytes a claim check points at. */
public interface ClaimCheckReader {

  /** The URI schemes this reader serves, e.g. {@code file}. */
  boolean serves(URI uri);

  /**
   * The bytes at {@code uri}, at most {@code maxBytes} of them.
   *
   * @throws ImageRejectedException when the object is missing, unreachable or larger than allowed
   */
  byte[] read(URI uri, long maxBytes) throws ImageRejectedException;
}
