package org.leukostream.ehr.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReviewerRemarksTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Many blasts are haematogones",
        "Recounted 200 cells; 14% blasts, see flow cytometry",
        "Sample haemolysed, 3 fields unreadable"
      })
  void aClinicalRemarkMayTravel(String remark) {
    assertThat(ReviewerRemarks.refusal(remark)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "MRN 12345678 confirmed",
        "patient record 123-456-789",
        "born 12.03.1961",
        "seen 2026-11-30 in clinic",
        "ask jane.doe@hospital.example"
      })
  void aRemarkThatLooksLikeAnIdentifierIsRefused(String remark) {
    assertThat(ReviewerRemarks.refusal(remark)).get().asString().contains("looks like");
  }

  @Test
  void aRemarkLongerThanARemarkIsRefused() {
    assertThat(ReviewerRemarks.refusal("x".repeat(ReviewerRemarks.MAX_LENGTH + 1)))
        .get()
        .asString()
        .contains("longer than");
    assertThat(ReviewerRemarks.refusal(null)).isEmpty();
  }
}
