package org.leukostream.ehr.fhir;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.leukostream.config.ServiceSettings;
import org.leukostream.ehr.config.BridgeConfig;

/**
 * What the report builder needs from configuration: the identifier systems that key every resource,
 * and the terminology mapping from this system's observations to external codes (LOINC, SNOMED CT),
 * each entry {@code system|code|display}.
 *
 * @param caseSystem identifier system of case ids (reports and observations are keyed by it)
 * @param patientKeySystem identifier system of the pseudonymous patient key
 * @param reviewerSystem identifier system of reviewer ids
 * @param deviceSystem identifier system of the device (this system and its model versions)
 * @param accessionSystem identifier system of the laboratory's order (accession) numbers: the LIS's
 * @param codes external codings by key: {@code <observation>.<specimen>} or {@code <observation>};
 *     e.g. {@code blast-percent.PERIPHERAL_BLOOD} or {@code class-percent.lymphocyte.BONE_MARROW}
 */
public record ReportSettings(
    String caseSystem,
    String patientKeySystem,
    String reviewerSystem,
    String deviceSystem,
    String accessionSystem,
    Map<String, String> codes) {

  /** Code system of this system's own observation codes, present on every observation. */
  public static final String OBSERVATION_CODES =
      "https://leukostream.org/fhir/CodeSystem/observation";

  /** Code system of the decision codes (ALL, NOT_ALL, INSUFFICIENT_CELLS, INCOMPLETE). */
  public static final String DECISION_CODES = "https://leukostream.org/fhir/CodeSystem/decision";

  public ReportSettings {
    codes = Map.copyOf(codes);
    codes.forEach(
        (key, entry) -> {
          if (!entry.isBlank() && entry.split("\\|", 3).length != 3) {
            throw new IllegalArgumentException(
                "Code mapping " + key + " must read system|code|display, not " + entry);
          }
        });
  }

  /** The configuration prefix, shared with {@code BridgeConfig}. */
  public static final String PREFIX = "leukostream.ehr.";

  /**
   * The settings from the bridge's {@code application.properties} (this module's resource), for
   * running its topology outside Quarkus (the embedded demo), read through the service's own
   * mapping ({@link BridgeConfig}) as the service reads them.
   */
  public static ReportSettings fromApplicationProperties() {
    return fromApplicationProperties(new Properties());
  }

  /** The same, with {@code overrides} over the service's own settings. */
  public static ReportSettings fromApplicationProperties(Properties overrides) {
    return ServiceSettings.load(BridgeConfig.class, "leukostream-ehr-bridge", overrides)
        .reportSettings();
  }

  /** The external coding of {@code key} for {@code specimen}, or for any specimen. */
  Optional<String[]> coding(String key, String specimen) {
    String entry = codes.get(key + "." + specimen);
    if (entry == null) {
      entry = codes.get(key);
    }
    if (entry == null || entry.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(entry.split("\\|", 3));
  }
}
