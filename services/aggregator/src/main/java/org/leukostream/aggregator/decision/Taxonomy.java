package org.leukostream.aggregator.decision;

import java.util.Set;

/**
 * What the class names of ensemble B mean for counting.
 *
 * @param lymphoblastClass the class that is a lymphoblast, e.g. {@code lymphoblast}
 * @param lymphoidClasses classes on which ensemble A's blast-vs-normal verdict applies
 * @param nonNucleatedClasses classes left out of the denominator (platelets, red cells, ...)
 */
public record Taxonomy(
    String lymphoblastClass, Set<String> lymphoidClasses, Set<String> nonNucleatedClasses) {

  public boolean isNucleated(String wbcClass) {
    return !nonNucleatedClasses.contains(wbcClass);
  }

  public boolean isLymphoid(String wbcClass) {
    return lymphoidClasses.contains(wbcClass) || lymphoblastClass.equals(wbcClass);
  }
}
