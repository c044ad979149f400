package org.leukostream.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Remembers what never changes in a registry, so a serde asks the network once per schema: ids of
 * registered schemas, schemas by id, and lookups. {@link #latest} and {@link #isCompatible} always
 * ask.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {
  private record SubjectSchema(String subject, Schema schema) {}

  private final SchemaRegistryClient delegate;
  private final Map<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public int register(String subject, Schema schema) {
    return registeredIds.computeIfAbsent(
        new SubjectSchema(subject, schema), key -> delegate.register(subject, schema));
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    return lookups.computeIfAbsent(
        new SubjectSchema(subject, schema), key -> delegate.lookup(subject, schema));
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(id, delegate::schemaById);
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return delegate.latest(subject);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return delegate.isCompatible(subject, schema);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
