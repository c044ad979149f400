package org.leukostream.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A service's {@code forwarding.*} settings (a {@code @ConfigMapping} group): how a request that
 * reaches an instance without the case is forwarded to the one that holds it, with the caller's
 * credentials.
 */
public interface ForwardingSettings {
  /** {@code https} when the instances serve TLS (the chart's {@code tls.secretName}). */
  @WithDefault("http")
  String scheme();

  /** PEM file of the CA the instances' certificates chain to; absent: the JVM's trust store. */
  Optional<Path> trustedCertificates();

  /** As the service forwards. */
  default InstanceLinks links() {
    return InstanceLinks.of(scheme(), trustedCertificates());
  }
}
