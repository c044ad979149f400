package org.leukostream.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text exposition ({@code /q/metrics}) read back into samples, for tests that check a
 * service exports its SLO metrics with sensible values, and that dashboards and alerts name only
 * metrics a service exports.
 */
public final class MetricsScrape {
  /** One sample: metric name (with its _total, _bucket, ... suffix), labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final List<Sample> samples;

  private MetricsScrape(List<Sample> samples) {
    this.samples = samples;
  }

  /** Parses a text exposition; a line that is neither a comment nor a sample is refused. */
  public static MetricsScrape parse(String exposition) {
    List<Sample> samples = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(trimmed);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new MetricsScrape(samples);
  }

  /** Every sample of {@code name} (exact, suffix included). */
  public List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The sum of {@code name}'s samples whose labels include {@code labels}; empty if none. */
  public Optional<Double> sum(String name, Map<String, String> labels) {
    List<Sample> matching =
        samples(name).stream()
            .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
            .toList();
    return matching.isEmpty()
        ? Optional.empty()
        : Optional.of(matching.stream().mapToDouble(Sample::value).sum());
  }

  /** The sum of all of {@code name}'s samples; empty if none. */
  public Optional<Double> sum(String name) {
    return sum(name, Map.of());
  }

  /**
   * The metric families the scrape holds: sample names with a histogram's or counter's suffix
   * ({@code _bucket}, {@code _count}, {@code _sum}, {@code _max}, {@code _total}) taken off.
   */
  public Set<String> families() {
    Set<String> families = new TreeSet<>();
    for (Sample s : samples) {
      families.add(s.name());
      families.add(SloMetrics.family(s.name()));
    }
    return families;
  }

  /** Every sample name, suffix included. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }
}
