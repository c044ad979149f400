package org.leukostream.ehr.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.leukostream.ehr.fhir.ReportSettings;

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
  }

  /** The hospital's FHIR server; without a base URL reports are only published on Kafka. */
  interface Server {
    /** Base URL, e.g. {@code https://fhir.example.org/r4}. */
    Optional<URI> baseUrl();

    /** Bearer token sent with every request, if the server wants one. */
    Optional<String> bearerToken();

    /** Attempts per report for an unreachable server or a 5xx / 429 answer. */
    @WithDefault("6")
    int maxAttempts();

    @WithDefault("1s")
    Duration initialBackoff();

    @WithDefault("1m")
    Duration maxBackoff();

    @WithDefault("30s")
    Duration requestTimeout();
  }

  default ReportSettings reportSettings() {
    return new ReportSettings(
        identifiers().caseSystem(),
        identifiers().patientKeySystem(),
        identifiers().reviewerSystem(),
        identifiers().deviceSystem(),
        codes());
  }
}
