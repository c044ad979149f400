package org.leukostream.schemas.registry;

import org.apache.avro.Schema;

/** One version of a subject: what the registry returns for a lookup or a "latest version" query. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
