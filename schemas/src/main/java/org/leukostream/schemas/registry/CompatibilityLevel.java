package org.leukostream.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The Confluent compatibility levels, decided with Avro's own {@link SchemaCompatibility}.
 * BACKWARD: the new schema reads data written with the previous one; FORWARD: the previous schema
 * reads data written with the new one; FULL: both. The transitive levels check against every
 * earlier version, the others against the latest only.
 */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE;

  public static CompatibilityLevel parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException(
          "Invalid compatibility level '" + name + "'", ErrorCodes.INVALID_COMPATIBILITY_LEVEL, e);
    }
  }

  /**
   * Why {@code candidate} breaks this level against {@code previous} (oldest first); empty when it
   * does not.
   */
  public List<String> violations(Schema candidate, List<Schema> previous) {
    if (this == NONE || previous.isEmpty()) {
      return List.of();
    }
    List<Schema> against =
        name().endsWith("_TRANSITIVE") ? previous : List.of(previous.get(previous.size() - 1));
    List<String> violations = new ArrayList<>();
    for (Schema old : against) {
      if (name().startsWith("BACKWARD") || name().startsWith("FULL")) {
        violations.addAll(check(candidate, old, "new schema cannot read data written with"));
      }
      if (name().startsWith("FORWARD") || name().startsWith("FULL")) {
        violations.addAll(
            check(old, candidate, "data written with the new schema cannot be read by"));
      }
    }
    return violations;
  }

  private static List<String> check(Schema reader, Schema writer, String what) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return List.of();
    }
    return result.getIncompatibilities().stream()
        .map(
            i ->
                what
                    + " the previous version: "
                    + i.getType()
                    + " at "
                    + i.getLocation()
                    + " ("
                    + i.getMessage()
                    + ")")
        .toList();
  }
}
