package org.leukostream.models.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * The operating point of a blast ensemble, chosen on a validation part and recorded in its members'
 * manifests: the blast probability from which a cell is called a blast, and what that threshold
 * gave where it was chosen. It belongs to the ensemble it was measured with (the same members,
 * versions and weights), so a member used in another combination does not apply it.
 *
 * @param threshold blast probability at or above which a cell is a blast, 0..1
 * @param truePositiveRate share of the validation blasts called blasts at the threshold
 * @param falsePositiveRate share of the validation non-blasts called blasts at the threshold
 * @param positives validation blasts it was measured on
 * @param negatives validation non-blasts it was measured on
 * @param maxFalsePositiveRate the bound on the false-positive rate it was chosen for
 * @param measuredOn what it was measured on (data, split part, date)
 * @param ensemble the members it was measured with, {@code name:version -> weight}
 */
public record OperatingPoint(
    double threshold,
    double truePositiveRate,
    double falsePositiveRate,
    long positives,
    long negatives,
    double maxFalsePositiveRate,
    String measuredOn,
    Map<String, Double> ensemble) {

  public OperatingPoint {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("An operating threshold lies in [0, 1], not " + threshold);
    }
    if (!(truePositiveRate >= 0 && truePositiveRate <= 1)
        || !(falsePositiveRate >= 0 && falsePositiveRate <= 1)) {
      throw new IllegalArgumentException("Call rates lie in [0, 1]");
    }
    if (ensemble == null || ensemble.isEmpty()) {
      throw new IllegalArgumentException("An operating point names the ensemble it belongs to");
    }
    ensemble = java.util.Collections.unmodifiableMap(new TreeMap<>(ensemble));
  }

  /**
   * Whether this point was measured with exactly {@code members} ({@code name:version -> weight},
   * members of weight 0 left out by the caller), weights equal to 1e-6.
   */
  public boolean appliesTo(Map<String, Double> members) {
    if (!ensemble.keySet().equals(members.keySet())) {
      return false;
    }
    return ensemble.entrySet().stream()
        .allMatch(e -> Math.abs(e.getValue() - members.get(e.getKey())) <= 1e-6);
  }
}
