package org.leukostream.images;

import java.net.URI;

/** Fetches the encoded bytes a claim check points at. */
public interface ClaimCheckReader {

  /** The URI schemes this reader serves, e.g. {@code file}. */
  boolean serves(URI uri);

  /**
   * The bytes at {@code uri}, at most {@code maxBytes} of them.
   *
   * @throws ImageRejectedException the claim check itself is bad: missing object, larger than
   *     allowed, outside what this reader may read
   * @throws ImageStoreUnavailableException the store could not serve it now (unreachable, server
   *     error, throttled, credentials refused): reading it later may succeed
   */
  byte[] read(URI uri, long maxBytes) throws ImageRejectedException, ImageStoreUnavailableException;
}
