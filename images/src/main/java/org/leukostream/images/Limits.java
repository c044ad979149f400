package org.leukostream.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

final class Limits {
  private Limits() {}

  /** Reads {@code in} to its end, refusing more than {@code maxBytes}. */
  static byte[] readAtMost(InputStream in, long maxBytes, URI source)
      throws IOException, ImageRejectedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      total += n;
      if (total > maxBytes) {
        throw new ImageRejectedException(
            "claim check " + source + " holds more than the limit of " + maxBytes + " bytes");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
