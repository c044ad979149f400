package org.leukostream.images;

import java.io.IOException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code s3://bucket/key} claim checks, through the AWS SDK v2 S3 client with the endpoint, region
 * and credentials from configuration (AWS itself, or MinIO / Ceph with an endpoint and path-style
 * addressing). The client is created on the first S3 claim check.
 */
public final class S3ClaimChecks implements ClaimCheckReader, AutoCloseable {
  private final S3Settings settings;
  private volatile S3Client client;

  public S3ClaimChecks(S3Settings settings) {
    this.settings = settings;
  }

  @Override
  public boolean serves(URI uri) {
    return "s3".equalsIgnoreCase(uri.getScheme());
  }

  @Override
  public byte[] read(URI uri, long maxBytes)
      throws ImageRejectedException, ImageStoreUnavailableException {
    String bucket = uri.getHost();
    String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (bucket == null || bucket.isEmpty() || key.isEmpty()) {
      throw new ImageRejectedException("claim check " + uri + " names no bucket and key");
    }
    try (ResponseInputStream<GetObjectResponse> in =
        client().getObject(b -> b.bucket(bucket).key(key))) {
      Long length = in.response().contentLength();
      if (length != null && length > maxBytes) {
        in.abort();
        throw new ImageRejectedException(
            "claim check " + uri + " holds " + length + " bytes, over the limit of " + maxBytes);
      }
      return Limits.readAtMost(in, maxBytes, uri);
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw new ImageRejectedException("claim check " + uri + " does not exist", e);
    } catch (S3Exception e) {
      if (e.statusCode() == 400 || e.statusCode() == 404) {
        throw new ImageRejectedException(
            "claim check " + uri + " refused by the store: " + e.getMessage(), e);
      }
      // 403 (this service's credentials or permissions), 429/503 throttling, 5xx: not the field's
      throw new ImageStoreUnavailableException(
          "claim check " + uri + " could not be fetched: " + e.getMessage(), e);
    } catch (SdkException | IOException e) {
      throw new ImageStoreUnavailableException(
          "claim check " + uri + " could not be fetched: " + e.getMessage(), e);
    }
  }

  private S3Client client() {
    S3Client c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          client = newClient(settings);
        }
        c = client;
      }
    }
    return c;
  }

  /** A client for {@code settings}' store: endpoint, region, path style, credentials, timeout. */
  static S3Client newClient(S3Settings settings) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .forcePathStyle(settings.pathStyle())
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(settings.timeout())
                    .socketTimeout(settings.timeout()))
            .overrideConfiguration(o -> o.apiCallTimeout(settings.timeout()));
    settings.endpoint().ifPresent(builder::endpointOverride);
    if (settings.accessKeyId().isPresent()) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(
                  settings.accessKeyId().get(), settings.secretAccessKey().orElse(""))));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
