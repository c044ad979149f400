package org.leukostream.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code s3://} claim checks against s3proxy, an S3-compatible server in the JVM. */
class S3ClaimChecksTest {
  @RegisterExtension
  final S3ProxyExtension s3 =
      S3ProxyExtension.builder().withCredentials("access", "secret").build();

  S3Settings settings(URI endpoint, String secret) {
    return new S3Settings(
        Optional.of(endpoint),
        "us-east-1",
        Optional.of("access"),
        Optional.of(secret),
        true,
        Duration.ofSeconds(5));
  }

  @Test
  void fetchesAnObjectRefusesAMissingOneAndTellsAnUnavailableStoreApart() throws Exception {
    byte[] data = TestImages.encode(TestImages.picture(64, 48), "png");
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(s3.getUri())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
            .build()) {
      client.createBucket(b -> b.bucket("fields"));
      client.putObject(b -> b.bucket("fields").key("case-1/0.png"), RequestBody.fromBytes(data));
    }
    try (S3ClaimChecks store = new S3ClaimChecks(settings(s3.getUri(), "secret"))) {
      ImageRefs refs = new ImageRefs(List.of(store), 1 << 20, 1 << 20);
      assertThat(refs.decode(TestImages.claimCheck(data, "s3://fields/case-1/0.png", 64, 48)))
          .extracting(i -> i.getWidth())
          .isEqualTo(64);
      assertThatThrownBy(
              () -> refs.decode(TestImages.claimCheck(data, "s3://fields/case-1/9.png", 64, 48)))
          .isInstanceOf(ImageRejectedException.class)
          .hasMessageContaining("s3://fields/case-1/9.png does not exist");
      assertThatThrownBy(() -> store.read(URI.create("s3://fields/case-1/0.png"), 10))
          .hasMessageContaining("over the limit of 10");
    }
    // Not the field's fault: the detector retries and then stops rather than reject good fields.
    try (S3ClaimChecks wrongKey = new S3ClaimChecks(settings(s3.getUri(), "not-the-secret"))) {
      assertThatThrownBy(() -> wrongKey.read(URI.create("s3://fields/case-1/0.png"), 1 << 20))
          .isInstanceOf(ImageStoreUnavailableException.class)
          .hasMessageContaining("could not be fetched");
    }
    try (S3ClaimChecks unreachable =
        new S3ClaimChecks(settings(URI.create("http://127.0.0.1:9"), "secret"))) {
      assertThatThrownBy(() -> unreachable.read(URI.create("s3://fields/case-1/0.png"), 1 << 20))
          .isInstanceOf(ImageStoreUnavailableException.class)
          .hasMessageContaining("could not be fetched");
    }
  }
}
