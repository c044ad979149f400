package org.leukostream.models.inference;

import org.leukostream.models.store.StoredModel;

/** A model and its weight in an ensemble's weighted sum of probabilities. */
public record EnsembleMember(StoredModel model, double weight) {}
