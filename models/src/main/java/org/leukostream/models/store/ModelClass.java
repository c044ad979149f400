package org.leukostream.models.store;

/** One output class of a model, in the order of its probability vector. */
public record ModelClass(String name, ClassRole role) {}
