package org.leukostream.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust store a registry client checks an https registry's certificate against, in place of the
 * JVM's default (a registry behind a private CA), under Confluent's keys {@code
 * schema.registry.ssl.truststore.*}.
 *
 * @param location the trust store file
 * @param password its password, or null
 * @param type {@code PKCS12} (default) or {@code JKS}
 */
public record RegistryTrust(Path location, String password, String type) {
  public RegistryTrust {
    type = type == null || type.isBlank() ? "PKCS12" : type;
  }

  /** A TLS context that trusts exactly the certificates of the store. */
  public SSLContext sslContext() {
    try (InputStream in = Files.newInputStream(location)) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password == null ? null : password.toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("Registry trust store " + location + " unreadable", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Registry trust store " + location + " (" + type + ") unusable: " + e.getMessage(), e);
    }
  }
}
