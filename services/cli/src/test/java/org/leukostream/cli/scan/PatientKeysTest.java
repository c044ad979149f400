package org.leukostream.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PatientKeysTest {
  /** RFC 4231, test case 1: key 0x0b x 20, data "Hi There". */
  @Test
  void isHmacSha256AsTheRfcVectorsGiveIt() {
    PatientKeys keys = new PatientKeys("\u000b".repeat(20));

    assertThat(keys.of("Hi There"))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  }

  @Test
  void oneSecretGivesAPatientOneKeyAndAnotherSecretAnother() {
    PatientKeys site = new PatientKeys("a site secret of some length");

    assertThat(site.of(" MRN-0042 ")).isEqualTo(site.of("MRN-0042")).hasSize(64);
    assertThat(site.of("MRN-0042")).isNotEqualTo(site.of("MRN-0043"));
    assertThat(new PatientKeys("another site's secret value").of("MRN-0042"))
        .isNotEqualTo(site.of("MRN-0042"));
  }

  @Test
  void refusesAMissingOrShortSecretAndAnEmptyIdentifier() {
    assertThatThrownBy(() -> PatientKeys.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(PatientKeys.SECRET_VARIABLE);
    assertThatThrownBy(() -> new PatientKeys("short")).hasMessageContaining("at least 16 bytes");
    assertThatThrownBy(() -> new PatientKeys("a site secret of some length").of("  "))
        .hasMessageContaining("empty patient identifier");
  }
}
