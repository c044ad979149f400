package org.leukostream.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory with the semantics of the Confluent one: global ids from 1
 * shared by subjects that register the same schema, versions per subject from 1, and a
 * compatibility level (global, BACKWARD by default, or per subject) enforced on registration. It
 * backs {@code mock://} URLs in unit tests and the development registry server in {@code testkit};
 * it is not a production registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, Integer> idsByCanonicalForm = new HashMap<>();
  private final Map<String, List<Integer>> idsBySubject = new LinkedHashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

  @Override
  public synchronized int register(String subject, Schema schema) {
    Optional<RegisteredSchema> existing = find(subject, schema);
    if (existing.isPresent()) {
      return existing.get().id();
    }
    List<Schema> previous = versionSchemas(subject);
    List<String> violations = compatibility(subject).violations(schema, previous);
    if (!violations.isEmpty()) {
      throw new IncompatibleSchemaException(
          "Schema being registered is incompatible with an earlier schema for subject '"
              + subject
              + "' ("
              + compatibility(subject)
              + "): "
              + String.join("; ", violations));
    }
    int id =
        idsByCanonicalForm.computeIfAbsent(
            schema.toString(),
            form -> {
              int next = schemasById.size() + 1;
              schemasById.put(next, schema);
              return next;
            });
    idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return id;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, Schema schema) {
    requireSubject(subject);
    return find(subject, schema)
        .orElseThrow(
            () ->
                new SchemaNotFoundException(
                    "Schema not found under subject '" + subject + "'",
                    ErrorCodes.SCHEMA_NOT_FOUND));
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException("Schema " + id + " not found", ErrorCodes.SCHEMA_NOT_FOUND);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<Integer> ids = requireSubject(subject);
    return version(subject, ids.size());
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    return compatibility(subject).violations(schema, versionSchemas(subject)).isEmpty();
  }

  /** One version of a subject, from 1. */
  public synchronized RegisteredSchema version(String subject, int version) {
    List<Integer> ids = requireSubject(subject);
    if (version < 1 || version > ids.size()) {
      throw new SchemaNotFoundException(
          "Version " + version + " not found for subject '" + subject + "'",
          ErrorCodes.VERSION_NOT_FOUND);
    }
    int id = ids.get(version - 1);
    return new RegisteredSchema(subject, version, id, schemasById.get(id));
  }

  /** Subjects in alphabetical order. */
  public synchronized List<String> subjects() {
    return List.copyOf(new TreeSet<>(idsBySubject.keySet()));
  }

  /** The versions of a subject, 1..n. */
  public synchronized List<Integer> versions(String subject) {
    int count = requireSubject(subject).size();
    List<Integer> versions = new ArrayList<>(count);
    for (int v = 1; v <= count; v++) {
      versions.add(v);
    }
    return versions;
  }

  /** The level in force for {@code subject}: its own, else the global one. */
  public synchronized CompatibilityLevel compatibility(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  public synchronized CompatibilityLevel globalCompatibility() {
    return globalLevel;
  }

  public synchronized void setGlobalCompatibility(CompatibilityLevel level) {
    globalLevel = level;
  }

  public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
    subjectLevels.put(subject, level);
  }

  private Optional<RegisteredSchema> find(String subject, Schema schema) {
    Integer id = idsByCanonicalForm.get(schema.toString());
    List<Integer> ids = idsBySubject.getOrDefault(subject, List.of());
    if (id == null || !ids.contains(id)) {
      return Optional.empty();
    }
    return Optional.of(new RegisteredSchema(subject, ids.indexOf(id) + 1, id, schema));
  }

  private List<Integer> requireSubject(String subject) {
    List<Integer> ids = idsBySubject.get(subject);
    if (ids == null) {
      throw new SchemaNotFoundException(
          "Subject '" + subject + "' not found", ErrorCodes.SUBJECT_NOT_FOUND);
    }
    return ids;
  }

  private List<Schema> versionSchemas(String subject) {
    return idsBySubject.getOrDefault(subject, List.of()).stream().map(schemasById::get).toList();
  }
}
