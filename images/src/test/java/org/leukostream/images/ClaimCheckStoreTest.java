package org.leukostream.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the scanner side stores comes back byte for byte through the readers the detector uses. */
class ClaimCheckStoreTest {
  @RegisterExtension
  final S3ProxyExtension s3 =
      S3ProxyExtension.builder().withCredentials("access", "secret").build();

  @TempDir Path dir;

  final byte[] png = TestImages.encode(TestImages.picture(64, 48), "png");

  @Test
  void aDirectoryStoreWritesWhatTheFileReaderReadsBackInsideItsRoot() throws Exception {
    try (ClaimCheckStore store = ClaimCheckStore.at(dir.toUri(), null)) {
      URI uri = store.put("case-1/field-0.png", png, "image/png");

      assertThat(uri.getScheme()).isEqualTo("file");
      ImageRefs refs =
          new ImageRefs(List.of(new FileClaimChecks(Optional.of(dir))), 1 << 20, 1 << 20);
      assertThat(refs.decode(TestImages.claimCheck(png, uri.toString(), 64, 48)).getHeight())
          .isEqualTo(48);
      try (var files = Files.list(dir.resolve("case-1"))) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("field-0.png");
      }
      assertThatThrownBy(() -> store.put("../outside.png", png, "image/png"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("leaves");
    }
  }

  @Test
  void aBucketStoreWritesUnderItsPrefixWhatTheS3ReaderReadsBack() throws Exception {
    S3Settings settings =
        new S3Settings(
            Optional.of(s3.getUri()),
            "us-east-1",
            Optional.of("access"),
            Optional.of("secret"),
            true,
            Duration.ofSeconds(5));
    try (var client = S3ClaimChecks.newClient(settings)) {
      client.createBucket(b -> b.bucket("fields"));
    }
    try (ClaimCheckStore store = ClaimCheckStore.at(URI.create("s3://fields/scans/"), settings);
        S3ClaimChecks reader = new S3ClaimChecks(settings)) {
      URI uri = store.put("case-1/field-0.png", png, "image/png");

      assertThat(uri).hasToString("s3://fields/scans/case-1/field-0.png");
      assertThat(reader.read(uri, 1 << 20)).isEqualTo(png);
    }
    try (ClaimCheckStore missing = ClaimCheckStore.at(URI.create("s3://no-bucket"), settings)) {
      assertThatThrownBy(() -> missing.put("x.png", png, "image/png"))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("Cannot store claim check s3://no-bucket/x.png");
    }
    assertThatThrownBy(() -> ClaimCheckStore.at(URI.create("http://example.org/"), settings))
        .hasMessageContaining("expected file:///dir or s3://bucket/prefix");
  }
}
