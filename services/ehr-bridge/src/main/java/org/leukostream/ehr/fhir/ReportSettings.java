package org.leukostream.ehr.fhir;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.leukostream.schemas.ServiceProperties;

/**
 * What the report builder needs from configuration: the identifier systems that key every resource,
 * and the terminology mapping from this system's observations to external codes (LOINC, SNOMED CT),
 * each entry {@code system|code|display}.
 *
 * @param caseSystem identifier system of case ids (reports and observations are keyed by it)
 * @param patientKeySystem identifier system of the pseudonymous patient key
 * @param reviewerSystem identifier system of reviewer ids
 * @param deviceSystem identifier system of the device (this system and its model versions)
 * @param codes external codings by key: {@code <observation>.<specimen>} or {@code <observation>};
 *     e.g. {@code blast-percent.PERIPHERAL_BLOOD} or {@code class-percent.lymphocyte.BONE_MARROW}
 */
public record ReportSettings(
    String caseSystem,
    String patientKeySystem,
    String reviewerSystem,
    String deviceSystem,
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
   * running its topology outside Quarkus (the embedded demo). Profile lines are ignored.
   */
  public static ReportSettings fromApplicationProperties() {
    return fromProperties(
        ServiceProperties.load(ReportSettings.class.getClassLoader(), "leukostream-ehr-bridge"));
  }

  /**
   * The settings from {@code leukostream.ehr.identifiers.*} and {@code leukostream.ehr.codes.*}
   * keys; a code key may be quoted as in {@code application.properties} ({@code
   * codes."report.BONE_MARROW"}).
   */
  public static ReportSettings fromProperties(Properties p) {
    String codesPrefix = PREFIX + "codes.";
    Map<String, String> codes = new LinkedHashMap<>();
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith(codesPrefix)) {
        String name = key.substring(codesPrefix.length());
        if (name.length() > 1 && name.startsWith("\"") && name.endsWith("\"")) {
          name = name.substring(1, name.length() - 1);
        }
        codes.put(name, p.getProperty(key).trim());
      }
    }
    return new ReportSettings(
        identifier(p, "case-system"),
        identifier(p, "patient-key-system"),
        identifier(p, "reviewer-system"),
        identifier(p, "device-system"),
        codes);
  }

  private static String identifier(Properties p, String name) {
    String value = p.getProperty(PREFIX + "identifiers." + name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing setting " + PREFIX + "identifiers." + name);
    }
    return value.trim();
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
