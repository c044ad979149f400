package org.leukostream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {
  static final Schema A = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
  static final Schema AB =
      SchemaBuilder.record("R").fields().requiredString("a").requiredInt("b").endRecord();
  static final Schema AC_OPTIONAL =
      SchemaBuilder.record("R").fields().requiredString("a").optionalLong("c").endRecord();

  @Test
  void addingARequiredFieldBreaksBackwardButNotForward() {
    assertThat(CompatibilityLevel.BACKWARD.violations(AB, List.of(A))).isNotEmpty();
    assertThat(CompatibilityLevel.FORWARD.violations(AB, List.of(A))).isEmpty();
    assertThat(CompatibilityLevel.FULL.violations(AB, List.of(A))).isNotEmpty();
  }

  @Test
  void removingAFieldWithoutDefaultBreaksForwardOnly() {
    assertThat(CompatibilityLevel.BACKWARD.violations(A, List.of(AB))).isEmpty();
    assertThat(CompatibilityLevel.FORWARD.violations(A, List.of(AB))).isNotEmpty();
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersion() {
    // History [AB, A]: readers of AB need b, which AC_OPTIONAL does not write; readers of A do not.
    assertThat(CompatibilityLevel.FORWARD.violations(AC_OPTIONAL, List.of(AB, A))).isEmpty();
    assertThat(CompatibilityLevel.FORWARD_TRANSITIVE.violations(AC_OPTIONAL, List.of(AB, A)))
        .isNotEmpty();
    assertThat(CompatibilityLevel.NONE.violations(AB, List.of(A))).isEmpty();
  }

  @Test
  void parsesNamesAndRefusesUnknownOnes() {
    assertThat(CompatibilityLevel.parse(" full_transitive "))
        .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.INVALID_COMPATIBILITY_LEVEL));
  }
}
