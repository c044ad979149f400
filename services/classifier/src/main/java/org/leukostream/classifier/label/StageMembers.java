package org.leukostream.classifier.label;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rule that turns a stage's configured members ({@code
 * leukostream.classifier.<stage>.members[i].model / .weight}) into the ensemble's member weights,
 * for the service's config mapping (in Quarkus and, through SmallRye Config, in the demo): members
 * without a weight share what the given weights leave; a member of weight 0 is left out (so a
 * settings override can switch off a default member it does not replace); a model listed twice is
 * refused.
 */
public final class StageMembers {
  /** A member as configured: its model's location and its weight, where one is given. */
  public record Member(String model, Optional<Double> weight) {}

  private StageMembers() {}

  /**
   * Location to weight, in member order.
   *
   * @throws IllegalArgumentException when no member is left, or a model is listed twice
   */
  public static Map<String, Double> resolve(String stage, List<Member> members) {
    double given = 0;
    int unweighted = 0;
    for (Member member : members) {
      if (member.weight().isPresent()) {
        given += member.weight().get();
      } else {
        unweighted++;
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (Member member : members) {
      double weight = member.weight().orElse(unweighted == 0 ? 0 : (1 - given) / unweighted);
      if (out.containsKey(member.model())) {
        throw new IllegalArgumentException(
            "Stage " + stage + " lists " + member.model() + " twice");
      }
      out.put(member.model(), weight);
    }
    out.values().removeIf(weight -> weight == 0);
    if (out.isEmpty()) {
      throw new IllegalArgumentException("Stage " + stage + " has no members configured");
    }
    return out;
  }
}
