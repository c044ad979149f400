package org.leukostream.images;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code file://} claim checks (the embedded default, or a shared volume). With a root set, a URI
 * that resolves outside it is refused, so a crafted record cannot make the detector read any file
 * the pod can see.
 */
public final class FileClaimChecks implements ClaimCheckReader {
  private final Optional<Path> root;

  public FileClaimChecks(Optional<Path> root) {
    this.root = root.map(r -> r.toAbsolutePath().normalize());
  }

  @Override
  public boolean serves(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme());
  }

  @Override
  public byte[] read(URI uri, long maxBytes) throws ImageRejectedException {
    Path file;
    try {
      file = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) {
      throw new ImageRejectedException("claim check " + uri + " is not a usable file URI", e);
    }
    if (root.isPresent() && !file.startsWith(root.get())) {
      throw new ImageRejectedException(
          "claim check " + uri + " lies outside the configured root " + root.get());
    }
    try {
      long size = Files.size(file);
      if (size > maxBytes) {
        throw new ImageRejectedException(
            "claim check " + uri + " holds " + size + " bytes, over the limit of " + maxBytes);
      }
      try (InputStream in = Files.newInputStream(file)) {
        return Limits.readAtMost(in, maxBytes, uri);
      }
    } catch (NoSuchFileException e) {
      throw new ImageRejectedException("claim check " + uri + " does not exist", e);
    } catch (IOException e) {
      throw new ImageRejectedException("claim check " + uri + " could not be read: " + e, e);
    }
  }
}
