package org.leukostream.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How one instance of a service reaches another to forward a request it cannot answer itself (the
 * aggregator's case query, the bridge's sign-off): the scheme ({@code https} when the instances
 * serve TLS) and an HTTP client that trusts the certificates of the instances' CA when one is given
 * (else the JVM's trust store). Built from a service's {@link ForwardingSettings}.
 *
 * @param scheme {@code http} or {@code https}
 */
public record InstanceLinks(String scheme, HttpClient client) {
  public InstanceLinks {
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("forwarding scheme must be http or https, not " + scheme);
    }
  }

  /** Plain HTTP, for an embedded development stack and tests. */
  public static InstanceLinks plain() {
    return new InstanceLinks("http", builder().build());
  }

  /**
   * @param trustedCertificates a PEM file of the CA (or the certificates) the instances' serving
   *     certificates chain to; absent: the JVM's trust store
   */
  public static InstanceLinks of(String scheme, Optional<Path> trustedCertificates) {
    HttpClient.Builder builder = builder();
    trustedCertificates.ifPresent(pem -> builder.sslContext(trusting(pem)));
    return new InstanceLinks(scheme, builder.build());
  }

  private static HttpClient.Builder builder() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
  }

  private static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("instance-ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new IllegalArgumentException("No certificate in " + pem);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the instances' CA certificates " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Unusable CA certificates in " + pem + ": " + e, e);
    }
  }
}
