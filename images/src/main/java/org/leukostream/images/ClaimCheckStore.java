package org.leukostream.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where the scanner side puts a field image too large to travel inline (the claim-check pattern): a
 * {@code file://} directory (the embedded default, a shared volume) or an {@code
 * s3://bucket/prefix}. The URI it returns goes into the record, and {@link ImageRefs} reads the
 * bytes back.
 */
public interface ClaimCheckStore extends AutoCloseable {

  /**
   * Stores {@code data} under {@code name} (a relative path such as {@code caseId/field-3.png}).
   *
   * @return the claim check to put into the record
   * @throws UncheckedIOException when the store refuses or cannot be reached
   */
  URI put(String name, byte[] data, String mediaType);

  @Override
  default void close() {}

  /**
   * The store at {@code base}: {@code file:///dir} or {@code s3://bucket[/prefix]} (the latter with
   * {@code s3}'s endpoint, region and credentials).
   */
  static ClaimCheckStore at(URI base, S3Settings s3) {
    String scheme =
        base.getScheme() == null ? "" : base.getScheme().toLowerCase(java.util.Locale.ROOT);
    return switch (scheme) {
      case "file" -> new Directory(Path.of(base));
      case "s3" -> {
        if (base.getHost() == null || base.getHost().isEmpty()) {
          throw new IllegalArgumentException("claim-check store " + base + " names no bucket");
        }
        yield new Bucket(S3ClaimChecks.newClient(s3), base.getHost(), base.getPath());
      }
      default ->
          throw new IllegalArgumentException(
              "claim-check store " + base + ": expected file:///dir or s3://bucket/prefix");
    };
  }

  /** Files under a directory, written whole before they appear (temporary file, then a move). */
  final class Directory implements ClaimCheckStore {
    private final Path root;

    public Directory(Path root) {
      this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public URI put(String name, byte[] data, String mediaType) {
      Path file = root.resolve(name).normalize();
      if (!file.startsWith(root)) {
        throw new IllegalArgumentException("claim-check name " + name + " leaves " + root);
      }
      try {
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), ".partial-", ".tmp");
        Files.write(partial, data);
        Files.move(
            partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot store claim check " + file, e);
      }
      return file.toUri();
    }
  }

  /** Objects in an S3 bucket under a key prefix. */
  final class Bucket implements ClaimCheckStore {
    private final S3Client client;
    private final String bucket;
    private final String prefix;

    Bucket(S3Client client, String bucket, String prefix) {
      this.client = client;
      this.bucket = bucket;
      String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
      this.prefix = p.isEmpty() ? "" : p + "/";
    }

    @Override
    public URI put(String name, byte[] data, String mediaType) {
      String key = prefix + name;
      try {
        client.putObject(
            b -> b.bucket(bucket).key(key).contentType(mediaType), RequestBody.fromBytes(data));
      } catch (SdkException e) {
        throw new UncheckedIOException(
            "Cannot store claim check s3://" + bucket + "/" + key + ": " + e.getMessage(),
            new IOException(e));
      }
      return URI.create("s3://" + bucket + "/" + key);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
