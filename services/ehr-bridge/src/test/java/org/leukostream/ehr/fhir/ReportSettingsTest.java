package org.leukostream.ehr.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class ReportSettingsTest {

  @Test
  void theServicesOwnPropertiesGiveItsIdentifierSystemsAndCodes() {
    ReportSettings settings = ReportSettings.fromApplicationProperties();

    assertThat(settings.caseSystem()).isEqualTo("urn:leukostream:case");
    assertThat(settings.patientKeySystem()).isEqualTo("urn:leukostream:patient-key");
    // Quoted keys lose their quotes, as SmallRye Config reads them into BridgeConfig.codes().
    assertThat(settings.coding("report", "BONE_MARROW"))
        .hasValueSatisfying(
            c ->
                assertThat(c)
                    .containsExactly(
                        "http://loinc.org", "48807-2", "Bone marrow aspiration report"));
    assertThat(settings.coding("class-percent.monocyte", "PERIPHERAL_BLOOD"))
        .hasValueSatisfying(c -> assertThat(c[1]).isEqualTo("26485-3"));
    assertThat(settings.coding("blast-percent", "BONE_MARROW")).isEmpty();
  }

  @Test
  void aMissingIdentifierSystemOrAMalformedCodeIsRefused() {
    Properties p = new Properties();
    p.setProperty("leukostream.ehr.identifiers.device-system", "");
    assertThatThrownBy(() -> ReportSettings.fromApplicationProperties(p))
        .hasMessageContaining("leukostream.ehr.identifiers.device-system");

    Properties q = new Properties();
    q.setProperty("leukostream.ehr.codes.report", "http://loinc.org|48807-2");
    assertThatThrownBy(() -> ReportSettings.fromApplicationProperties(q))
        .hasMessageContaining("system|code|display");
  }
}
