package org.leukostream.images;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code file://} claim checks (the embedded default, or a shared volume), read only under a
 * configured root: a URI that resolves outside it (after {@code ..} and symbolic links) is refused,
 * and without a root every {@code file://} claim check is refused, so a crafted record cannot make
 * the detector read a file the pod can see (a key, a token, {@code /etc/passwd}).
 */
public final class FileClaimChecks implements ClaimCheckReader {
  private final Optional<Path> root;

  /**
   * @param root the directory claim checks must lie under; empty: none is read
   */
  public FileClaimChecks(Optional<Path> root) {
    this.root = root.map(r -> r.toAbsolutePath().normalize());
  }

  @Override
  public boolean serves(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme());
  }

  @Override
  public byte[] read(URI uri, long maxBytes)
      throws ImageRejectedException, ImageStoreUnavailableException {
    Path file;
    try {
      file = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) {
      throw new ImageRejectedException("claim check " + uri + " is not a usable file URI", e);
    }
    if (root.isEmpty()) {
      throw new ImageRejectedException(
          "claim check "
              + uri
              + " refused: file:// claim checks are off (no claim-check file root is configured)");
    }
    if (!file.startsWith(root.get())) {
      throw new ImageRejectedException(
          "claim check " + uri + " lies outside the configured root " + root.get());
    }
    try {
      if (Files.exists(file) && !file.toRealPath().startsWith(root.get().toRealPath())) {
        throw new ImageRejectedException(
            "claim check " + uri + " lies outside the configured root " + root.get() + " (a link)");
      }
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new ImageRejectedException("claim check " + uri + " is not a file");
      }
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
      // permissions, a volume that is gone or failing: the file may be good, the mount is not
      throw new ImageStoreUnavailableException(
          "claim check " + uri + " could not be read: " + e, e);
    }
  }
}
