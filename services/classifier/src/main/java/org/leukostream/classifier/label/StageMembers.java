package org.leukostream.classifier.label;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A stage's members as {@code application.properties} lists them ({@code
 * leukostream.classifier.<stage>.members[i].model / .weight}), read outside Quarkus: location to
 * weight in member order; members without a weight share what the given weights leave.
 */
public final class StageMembers {
  private static final String PREFIX = "leukostream.classifier.";

  private StageMembers() {}

  public static Map<String, Double> fromProperties(Properties p, String stage) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; p.containsKey(PREFIX + stage + ".members[" + i + "].model"); i++) {
      given.put(
          p.getProperty(PREFIX + stage + ".members[" + i + "].model"),
          p.getProperty(PREFIX + stage + ".members[" + i + "].weight"));
    }
    if (given.isEmpty()) {
      throw new IllegalArgumentException("Stage " + stage + " has no members configured");
    }
    double sum =
        given.values().stream().filter(w -> w != null).mapToDouble(Double::parseDouble).sum();
    long unweighted = given.values().stream().filter(w -> w == null).count();
    Map<String, Double> out = new LinkedHashMap<>();
    given.forEach(
        (model, w) -> out.put(model, w != null ? Double.parseDouble(w) : (1 - sum) / unweighted));
    return out;
  }
}
