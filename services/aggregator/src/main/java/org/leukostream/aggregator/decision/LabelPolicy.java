package org.leukostream.aggregator.decision;

/**
 * How a labelled, countable, nucleated cell is called a lymphoblast. Ensemble B (the WBC
 * classifier) gives the class; ensemble A (ViT + EfficientNet) gives the probability that a
 * lymphoid cell is a leukemic blast.
 */
public enum LabelPolicy {
  /**
   * The default: B says whether the cell is lymphoid; for lymphoid cells A decides blast vs normal.
   * A label without A's output falls back to B's class.
   */
  B_CLASS_A_BLAST,
  /** B's class alone: a blast when B says lymphoblast. */
  B_ONLY,
  /** A alone on the cells B calls lymphoid; a label without A's output is never a blast. */
  A_ON_LYMPHOID,
  /** A blast only when B says lymphoblast and A says blast. */
  BOTH_AGREE;

  /** The name written into the diagnosis, e.g. {@code b-class-a-blast}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
