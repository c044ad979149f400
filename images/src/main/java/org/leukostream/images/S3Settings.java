package org.leukostream.images;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@code s3://bucket/key} claim checks live.
 *
 * @param endpoint endpoint of an S3-compatible store (MinIO, Ceph); empty for AWS's regional one
 * @param region signing region
 * @param accessKeyId static credentials; empty uses the SDK's default chain (environment, profile,
 *     web identity / IRSA, instance metadata)
 * @param secretAccessKey the secret belonging to {@code accessKeyId}
 * @param pathStyle {@code endpoint/bucket/key} addressing, which most S3-compatible stores want
 * @param timeout limit for one request
 */
public record S3Settings(
    Optional<URI> endpoint,
    String region,
    Optional<String> accessKeyId,
    Optional<String> secretAccessKey,
    boolean pathStyle,
    Duration timeout) {}
