package org.leukostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the READMEs and model cards quote is what ships: every model version they name is the
 * version of a shipped model's manifest (or is marked {@code (retired)} right after it), and every
 * service setting they quote with its value ({@code `score-threshold` 0.2}) has that value in the
 * service's {@code application.properties}.
 */
class ReadmeFactsTest {
  static final Path ROOT = Rendered.ROOT;
  static final Path MODELS = ROOT.resolve("models/src/main/resources/org/leukostream/models");
  static final Pattern VERSION =
      Pattern.compile("\\b20\\d\\d\\.\\d\\d\\.\\d\\d-[a-z0-9-]*[a-z0-9]");

  /**
   * A backticked setting and the number (with an optional unit, e.g. 2m, 1 s, 1 min, 32 MiB) after
   * it.
   */
  static final Pattern SETTING =
      Pattern.compile(
          "`([a-z][a-z0-9.-]*)` ([0-9][0-9,]*(?:\\.[0-9]+)?)(?: ?(ms|s|min|m|h|MiB|M)\\b)?");

  static final List<String> SERVICES =
      List.of("detector", "classifier", "aggregator", "ehr-bridge");

  @Test
  void everyModelVersionQuotedIsAShippedManifestsVersion() throws IOException {
    Set<String> shipped = new TreeSet<>();
    for (Path manifest : files(MODELS, "manifest.json")) {
      Matcher m =
          Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(manifest));
      assertThat(m.find()).as(manifest + " has a version").isTrue();
      shipped.add(m.group(1));
    }
    assertThat(shipped).isNotEmpty();

    List<String> quoted = new ArrayList<>();
    for (Path doc : documents()) {
      String text = Files.readString(doc);
      Matcher m = VERSION.matcher(text);
      while (m.find()) {
        if (!text.startsWith(" (retired)", m.end())) {
          quoted.add(ROOT.relativize(doc) + ": " + m.group());
        }
      }
    }
    assertThat(quoted).as("model versions in the documents").isNotEmpty();
    assertThat(quoted)
        .as("versions quoted that no shipped manifest has")
        .allSatisfy(q -> assertThat(shipped).contains(q.substring(q.indexOf(": ") + 2)));
  }

  @Test
  void everyServiceSettingQuotedWithAValueHasThatValue() throws IOException {
    int checked = 0;
    List<String> wrong = new ArrayList<>();
    for (String service : SERVICES) {
      Path dir = ROOT.resolve("services").resolve(service);
      Properties properties = new Properties();
      try (Reader in =
          Files.newBufferedReader(dir.resolve("src/main/resources/application.properties"))) {
        properties.load(in);
      }
      String readme = Files.readString(dir.resolve("README.md"));
      Matcher m = SETTING.matcher(readme);
      while (m.find()) {
        List<String> keys =
            properties.stringPropertyNames().stream()
                .filter(k -> k.startsWith("leukostream.") && k.endsWith("." + m.group(1)))
                .toList();
        if (keys.size() != 1) {
          continue; // not a setting of this service, or not one name alone
        }
        String quoted = normalised(m.group(2).replace(",", ""), m.group(3));
        String actual = properties.getProperty(keys.get(0)).trim();
        checked++;
        if (!actual.equals(quoted)) {
          wrong.add(
              service
                  + ": README says `"
                  + m.group(1)
                  + "` "
                  + quoted
                  + ", "
                  + keys.get(0)
                  + "="
                  + actual);
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(checked).as("settings quoted with values").isGreaterThanOrEqualTo(10);
  }

  /** A quoted value as the properties write it: durations as 1s / 1m, counts and sizes whole. */
  static String normalised(String number, String unit) {
    if (unit == null) {
      return number;
    }
    return switch (unit) {
      case "min" -> number + "m";
      case "M" -> new java.math.BigDecimal(number).movePointRight(6).toBigInteger().toString();
      case "MiB" ->
          new java.math.BigDecimal(number)
              .multiply(java.math.BigDecimal.valueOf(1 << 20))
              .toBigInteger()
              .toString();
      default -> number + unit;
    };
  }

  static List<Path> documents() throws IOException {
    List<Path> out = new ArrayList<>();
    out.add(ROOT.resolve("README.md"));
    out.add(ROOT.resolve("models/README.md"));
    out.add(ROOT.resolve("k8s/README.md"));
    for (String service : SERVICES) {
      out.add(ROOT.resolve("services").resolve(service).resolve("README.md"));
    }
    out.add(ROOT.resolve("services/cli/README.md"));
    out.addAll(files(MODELS, "MODEL_CARD.md"));
    return out;
  }

  static List<Path> files(Path under, String name) throws IOException {
    try (Stream<Path> walk = Files.walk(under)) {
      return walk.filter(p -> p.getFileName().toString().equals(name)).sorted().toList();
    }
  }
}
