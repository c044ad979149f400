package org.leukostream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of metrics the chart's dashboard and alerts rely on ({@code
 * helm/leukostream/monitoring/metrics.txt}), and the check that a service's scrape holds its part.
 */
public final class SloMetrics {
  /** One line of the catalogue. */
  public record Entry(String service, String metric, String when) {}

  public static final String ALWAYS = "always";
  public static final String AFTER_CASE = "after-case";
  public static final String AFTER_DEAD_LETTER = "after-dead-letter";

  private SloMetrics() {}

  /** The catalogue file, found from the working directory up (a module's folder in the build). */
  public static Path file() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("helm/leukostream/monitoring/metrics.txt");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("helm/leukostream/monitoring/metrics.txt not found above here");
  }

  /** Every entry of the catalogue. */
  public static List<Entry> catalogue() {
    List<Entry> entries = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file())) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] columns = trimmed.split("\\s+");
        if (columns.length != 3
            || !Set.of(ALWAYS, AFTER_CASE, AFTER_DEAD_LETTER).contains(columns[2])) {
          throw new IllegalStateException("not a catalogue line: " + line);
        }
        entries.add(new Entry(columns[0], columns[1], columns[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  /**
   * The metrics the catalogue lists for {@code service}, present by {@code when}, that {@code
   * scrape} lacks.
   */
  public static List<String> missing(String service, MetricsScrape scrape, Set<String> when) {
    Set<String> families = scrape.families();
    return catalogue().stream()
        .filter(e -> e.service().equals(service) && when.contains(e.when()))
        .map(Entry::metric)
        .filter(m -> !families.contains(m) && !families.contains(family(m)))
        .toList();
  }

  /** A metric's family: the name without a counter's or histogram's suffix. */
  public static String family(String metric) {
    return metric.replaceFirst("_(bucket|count|sum|max|total)$", "");
  }
}
