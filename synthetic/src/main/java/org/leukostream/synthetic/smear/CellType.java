package org.leukostream.synthetic.smear;

import java.util.Locale;

/**
 * The cells the synthetic smear draws, with their size relative to a red cell. The white-cell names
 * are the class names of the default taxonomy.
 */
public enum CellType {
  LYMPHOBLAST(1.7, 2.1, true),
  LYMPHOCYTE(0.95, 1.2, true),
  NEUTROPHIL(1.35, 1.6, true),
  MONOCYTE(1.8, 2.2, true),
  EOSINOPHIL(1.4, 1.65, true),
  BASOPHIL(1.2, 1.45, true),
  ERYTHROBLAST(1.0, 1.25, true),
  /** A crushed or smudged cell: detected, but left out of the count by the stage-1 filter. */
  SMUDGE(1.5, 2.3, false),
  /**
   * A promyelocyte / myelocyte (PBC's {@code ig}): never placed by {@link
   * SmearGenerator#caseCells}, drawn for training crops so synthetic data covers every class of the
   * white-cell taxonomy.
   */
  IMMATURE_GRANULOCYTE(1.5, 1.9, true),
  /** A platelet clump: not nucleated, for training crops only (like the class above). */
  PLATELET(0.55, 0.9, true);

  private final double minDiameter;
  private final double maxDiameter;
  private final boolean countable;

  CellType(double minDiameter, double maxDiameter, boolean countable) {
    this.minDiameter = minDiameter;
    this.maxDiameter = maxDiameter;
    this.countable = countable;
  }

  /** Smallest diameter, in red-cell diameters. */
  public double minDiameter() {
    return minDiameter;
  }

  /** Largest diameter, in red-cell diameters. */
  public double maxDiameter() {
    return maxDiameter;
  }

  public boolean countable() {
    return countable;
  }

  /** The taxonomy's class name, e.g. {@code lymphoblast}. */
  public String className() {
    return name().toLowerCase(Locale.ROOT);
  }
}
