package org.leukostream.models.inference;

import ai.djl.modality.Classifications;
import java.util.List;

/**
 * One crop's result from an ensemble: the combined probabilities and every member's own, in member
 * order, with the members' {@code name:version}, so a decision can be audited.
 */
public record EnsemblePrediction(
    Classifications combined, List<Classifications> members, List<String> models) {}
