package org.leukostream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The rules of schemas/README.md: every field documented, every topic BACKWARD compatible with its
 * last released schema (src/test/resources/released), the aggregator's inputs co-partitioned. It
 * also writes each current schema to target/schemas/, which is what a release copies into
 * released/.
 */
class SchemaContractTest {
  static final List<Topic<?>> TOPICS = Topics.ALL;

  @ParameterizedTest(name = "{0}")
  @FieldSource("TOPICS")
  void everyFieldHasADoc(Topic<?> topic) {
    List<String> undocumented = new ArrayList<>();
    collectUndocumented(topic.valueSchema(), new HashSet<>(), undocumented);
    assertThat(undocumented).as("fields without doc in %s", topic.name()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("TOPICS")
  void isBackwardCompatibleWithTheReleasedSchema(Topic<?> topic) throws IOException {
    Schema current = topic.valueSchema();
    Path snapshot = Path.of("target", "schemas", topic.name() + ".avsc");
    Files.createDirectories(snapshot.getParent());
    Files.writeString(snapshot, current.toString(true) + "\n");

    Schema released = released(topic);

    var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released).getResult();
    assertThat(result.getCompatibility())
        .as(
            "%s must read data written with its released schema: %s",
            topic.name(), result.getIncompatibilities())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void aggregatorInputsAreCoPartitioned() {
    assertThat(Topics.FIELD_RESULTS.partitions()).isEqualTo(Topics.CASE_EVENTS.partitions());
    assertThat(Topics.CELL_LABELS.partitions()).isEqualTo(Topics.CASE_EVENTS.partitions());
    assertThat(Topics.CELL_REVIEWS.partitions()).isEqualTo(Topics.CASE_EVENTS.partitions());
  }

  @Test
  void topicNamesAreUniqueAndLookedUpByName() {
    assertThat(Topics.ALL.stream().map(Topic::name).distinct()).hasSameSizeAs(Topics.ALL);
    assertThat(Topics.byName("diagnoses.v1")).contains(Topics.DIAGNOSES);
    assertThat(Topics.byName("nope")).isEmpty();
    assertThat(Topics.cropKey("case-1", 3)).isEqualTo("case-1/3");
    assertThat(Topics.caseOfCropKey(Topics.cropKey("case/with/slashes", 12)))
        .isEqualTo("case/with/slashes");
    assertThat(Topics.caseOfCropKey("no-slash")).isEqualTo("no-slash");
    assertThat(Topics.caseOfCropKey(null)).isNull();
  }

  private static Schema released(Topic<?> topic) throws IOException {
    String resource = "/released/" + topic.name() + ".avsc";
    try (InputStream in = SchemaContractTest.class.getResourceAsStream(resource)) {
      assertThat(in)
          .as(
              "no released copy %s: copy target/schemas/%s.avsc there when it ships",
              resource, topic.name())
          .isNotNull();
      return new Schema.Parser().parse(in);
    }
  }

  private static void collectUndocumented(Schema schema, Set<String> seen, List<String> out) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (schema.getDoc() == null || schema.getDoc().isBlank()) {
          out.add(schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
          if (field.doc() == null || field.doc().isBlank()) {
            out.add(schema.getName() + "." + field.name());
          }
          collectUndocumented(field.schema(), seen, out);
        }
      }
      case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, seen, out));
      case ARRAY -> collectUndocumented(schema.getElementType(), seen, out);
      case MAP -> collectUndocumented(schema.getValueType(), seen, out);
      case ENUM -> {
        if (seen.add(schema.getFullName())
            && (schema.getDoc() == null || schema.getDoc().isBlank())) {
          out.add(schema.getFullName());
        }
      }
      default -> {}
    }
  }
}
