package org.leukostream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {
  static final Schema V1 = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
  static final Schema V2_WITH_DEFAULT =
      SchemaBuilder.record("R").fields().requiredString("a").optionalInt("b").endRecord();
  static final Schema V2_WITHOUT_DEFAULT =
      SchemaBuilder.record("R").fields().requiredString("a").requiredInt("b").endRecord();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void idsAreGlobalAndRegistrationIsIdempotent() {
    int id = registry.register("x-value", V1);

    assertThat(registry.register("x-value", V1)).isEqualTo(id);
    assertThat(registry.register("y-value", V1)).isEqualTo(id);
    assertThat(registry.register("x-value", V2_WITH_DEFAULT)).isEqualTo(id + 1);
    assertThat(registry.versions("x-value")).containsExactly(1, 2);
    assertThat(registry.versions("y-value")).containsExactly(1);
    assertThat(registry.schemaById(id)).isEqualTo(V1);
  }

  @Test
  void latestAndLookupReportSubjectVersionAndId() {
    int id1 = registry.register("s", V1);
    int id2 = registry.register("s", V2_WITH_DEFAULT);

    assertThat(registry.latest("s")).isEqualTo(new RegisteredSchema("s", 2, id2, V2_WITH_DEFAULT));
    assertThat(registry.lookup("s", V1)).isEqualTo(new RegisteredSchema("s", 1, id1, V1));
    assertThat(registry.subjects()).containsExactly("s");
  }

  @Test
  void backwardIncompatibleSchemaIsRefusedByDefault() {
    registry.register("s", V1);

    assertThat(registry.isCompatible("s", V2_WITHOUT_DEFAULT)).isFalse();
    assertThatThrownBy(() -> registry.register("s", V2_WITHOUT_DEFAULT))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("incompatible")
        .hasMessageContaining("BACKWARD")
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(registry.versions("s")).containsExactly(1);
  }

  @Test
  void subjectLevelNoneAcceptsAnything() {
    registry.register("s", V1);
    registry.setCompatibility("s", CompatibilityLevel.NONE);

    assertThat(registry.register("s", V2_WITHOUT_DEFAULT)).isPositive();
    assertThat(registry.compatibility("other")).isEqualTo(CompatibilityLevel.BACKWARD);
  }

  @Test
  void unknownThingsAreNotFoundWithTheirErrorCodes() {
    registry.register("s", V1);

    assertThatThrownBy(() -> registry.schemaById(99))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SCHEMA_NOT_FOUND));
    assertThatThrownBy(() -> registry.latest("nope"))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SUBJECT_NOT_FOUND));
    assertThatThrownBy(() -> registry.version("s", 2))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.VERSION_NOT_FOUND));
    assertThatThrownBy(() -> registry.lookup("s", V2_WITH_DEFAULT))
        .isInstanceOf(SchemaNotFoundException.class);
  }
}
