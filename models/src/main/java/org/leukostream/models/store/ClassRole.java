package org.leukostream.models.store;

/** What a model's class means for counting cells. */
public enum ClassRole {
  /** A nucleated white cell that joins the denominator (e.g. neutrophil, monocyte). */
  COUNTED,
  /** A counted cell of the lymphoid lineage, on which ensemble A decides blast vs normal. */
  LYMPHOID,
  /** A counted lymphoblast: the numerator of the ALL rule. */
  LYMPHOBLAST,
  /** Not a nucleated cell (platelets, red cells): left out of the denominator. */
  NOT_NUCLEATED,
  /** Stage-1 filter: a cell that can be counted. */
  COUNTABLE,
  /** Stage-1 filter: a cell that cannot (crushed, degenerated, naked nucleus). */
  UNCOUNTABLE,
  /** Ensemble A: a leukemic blast. */
  BLAST,
  /** Ensemble A: a normal lymphoid cell. */
  NORMAL
}
