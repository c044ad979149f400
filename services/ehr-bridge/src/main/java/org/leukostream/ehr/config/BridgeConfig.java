package org.leukostream.ehr.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.leukostream.config.ForwardingSettings;
import org.leukostream.ehr.delivery.AccessTokens;
import org.leukostream.ehr.delivery.ClientCredentials;
import org.leukostream.ehr.fhir.ReportSettings;
import org.leukostream.schemas.messaging.Backoff;

/** {@code leukostream.ehr.*}: identifier systems, terminology mapping, FHIR server delivery. */
@ConfigMapping(prefix = "leukostream.ehr")
public interface BridgeConfig {

  Identifiers identifiers();

  /**
   * External codings ({@code system|code|display}) by observation key, e.g. {@code
   * blast-percent.PERIPHERAL_BLOOD}; see application.properties for the keys and where each code
   * was checked.
   */
  Map<String, String> codes();

  Server server();

  /** How a sign-off or reopening that reaches the wrong instance is forwarded to the owner. */
  ForwardingSettings forwarding();

  /** Identifier systems of the resources' business identifiers. */
  interface Identifiers {
    @WithDefault("urn:leukostream:case")
    String caseSystem();

    @WithDefault("urn:leukostream:patient-key")
    String patientKeySystem();

    @WithDefault("urn:leukostream:reviewer")
    String reviewerSystem();

    @WithDefault("urn:leukostream:device")
    String deviceSystem();

    /**
     * The laboratory information system's system of order (accession) numbers: a report's {@code
     * basedOn} names the order's ServiceRequest by it.
     */
    @WithDefault("urn:leukostream:accession")
    String accessionSystem();
  }

  /** The hospital's FHIR server; without a base URL reports are only published on Kafka. */
  interface Server {
    /** Base URL, e.g. {@code https://fhir.example.org/r4}. */
    Optional<URI> baseUrl();

    /** Bearer token sent with every request, if the server wants one. */
    Optional<String> bearerToken();

    /**
     * A file holding the bearer token (a mounted Secret), read again before every request: a token
     * rotated in the Secret is used without a restart. Wins over {@code bearer-token}.
     */
    Optional<Path> bearerTokenFile();

    /**
     * OAuth 2.0 client credentials (SMART Backend Services): tokens from the server's token
     * endpoint instead of a fixed one. Wins over {@code bearer-token(-file)}.
     */
    Optional<OAuth> oauth();

    /** Where each request's token comes from. */
    default AccessTokens accessTokens() {
      return oauth()
          .<AccessTokens>map(
              o ->
                  new ClientCredentials(
                      new ClientCredentials.Settings(
                          o.tokenUrl(),
                          o.clientId(),
                          o.scope(),
                          o.clientSecretFile(),
                          o.privateKeyFile(),
                          o.keyId(),
                          requestTimeout())))
          .orElse(AccessTokens.of(this::currentToken));
    }

    /** The token to send now: the file's content, else {@code bearer-token}. */
    default Optional<String> currentToken() {
      if (bearerTokenFile().isPresent()) {
        try {
          String token = Files.readString(bearerTokenFile().get()).strip();
          return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
          throw new UncheckedIOException("FHIR bearer token file unreadable", e);
        }
      }
      return bearerToken();
    }

    /**
     * Attempts per report for an unreachable server or a 5xx / 429 / 401 / 403 answer; past the
     * last the channel stops (health DOWN) with the report uncommitted, to be sent after the
     * restart: an outage never dead-letters a report. Keep attempts x (request timeout + backoff)
     * under the channel's 15 min poll interval.
     */
    @WithDefault("6")
    int maxAttempts();

    @WithDefault("1s")
    Duration initialBackoff();

    @WithDefault("1m")
    Duration maxBackoff();

    @WithDefault("30s")
    Duration requestTimeout();

    /** The attempts and waits as the delivery applies them. */
    default Backoff backoff() {
      return new Backoff(maxAttempts(), initialBackoff(), maxBackoff());
    }
  }

  /** How the bridge gets tokens from the FHIR server's authorisation server. */
  interface OAuth {
    /** The token endpoint, e.g. {@code https://ehr.example.org/oauth2/token}. */
    URI tokenUrl();

    String clientId();

    /** Scopes to ask for, e.g. {@code system/DiagnosticReport.write system/Observation.write}. */
    Optional<String> scope();

    /** A file holding the client secret (client_secret_basic); or: */
    Optional<Path> clientSecretFile();

    /** A PKCS#8 PEM RSA key for a signed JWT assertion (private_key_jwt, RS384). */
    Optional<Path> privateKeyFile();

    /** The key's {@code kid} in the client's registered JWKS. */
    Optional<String> keyId();
  }

  default ReportSettings reportSettings() {
    return new ReportSettings(
        identifiers().caseSystem(),
        identifiers().patientKeySystem(),
        identifiers().reviewerSystem(),
        identifiers().deviceSystem(),
        identifiers().accessionSystem(),
        codes());
  }
}
