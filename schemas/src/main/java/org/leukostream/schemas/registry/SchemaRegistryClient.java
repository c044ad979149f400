package org.leukostream.schemas.registry;

import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API the serdes and tools need. Implementations:
 * {@link HttpSchemaRegistryClient} (a real registry), {@link InMemorySchemaRegistry} ({@code
 * mock://} URLs and the development server), {@link CachingSchemaRegistryClient} (in front of
 * either).
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /**
   * Registers {@code schema} under {@code subject} and returns its global id; registering a schema
   * the subject already has returns the existing id.
   *
   * @throws IncompatibleSchemaException when the subject's compatibility level forbids it
   */
  int register(String subject, Schema schema);

  /**
   * The version of {@code subject} that holds exactly {@code schema}.
   *
   * @throws SchemaNotFoundException when the subject does not hold it
   */
  RegisteredSchema lookup(String subject, Schema schema);

  /**
   * The schema registered with global id {@code id}.
   *
   * @throws SchemaNotFoundException for an unknown id
   */
  Schema schemaById(int id);

  /**
   * The newest version of {@code subject}.
   *
   * @throws SchemaNotFoundException when the subject has no version
   */
  RegisteredSchema latest(String subject);

  /**
   * Whether {@code schema} could be registered under {@code subject} now; true for a subject with
   * no versions.
   */
  boolean isCompatible(String subject, Schema schema);

  @Override
  default void close() {}
}
