package org.leukostream.aggregator.state;

/**
 * What the aggregator has seen of one cell, as bits in the {@code case-cells} store (keyed by
 * {@link CellKey}): reported by a field result, labelled and counted, or labelled and held until a
 * field result reports it. A second label for the same cell finds {@link #LABELLED} or {@link
 * #HELD} set and counts nothing.
 */
public final class CellFlags {
  public static final int DETECTED = 1;
  public static final int LABELLED = 2;
  public static final int HELD = 4;

  private CellFlags() {}

  /**
   * The {@code case-held-labels} key of a cell: case id, then a separator that ids never contain,
   * then the cell id. (The {@code case-cells} store's keys are {@link CellKey}s.)
   */
  public static String key(String caseId, String cellId) {
    return prefix(caseId) + cellId;
  }

  /** The prefix every cell key of a case starts with, for a prefix scan. */
  public static String prefix(String caseId) {
    return caseId + '\u0000';
  }

  public static boolean has(Integer flags, int bit) {
    return flags != null && (flags & bit) != 0;
  }

  public static int with(Integer flags, int bit) {
    return (flags == null ? 0 : flags) | bit;
  }

  public static int without(Integer flags, int bit) {
    return (flags == null ? 0 : flags) & ~bit;
  }
}
