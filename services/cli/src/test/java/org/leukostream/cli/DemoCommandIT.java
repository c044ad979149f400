package org.leukostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code leukostream demo --json}: the contract's lines, every virtual patient diagnosed right. */
class DemoCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDemoDiagnosesItsVirtualPatientsAsTheirGroundTruthAndExitsZero() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit = Cli.run(out, err, "demo", "--cases", "2", "--json");

    List<JsonNode> lines =
        out.toString()
            .lines()
            .map(
                l -> {
                  try {
                    return JSON.readTree(l);
                  } catch (Exception e) {
                    throw new AssertionError("not JSON: " + l, e);
                  }
                })
            .toList();
    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> finals =
        lines.stream().filter(l -> l.path("event").asText().equals("final")).toList();
    assertThat(finals).hasSize(2);
    for (JsonNode f : finals) {
      assertThat(f.path("status").asText()).isEqualTo("FINAL");
      assertThat(f.path("decision").asText()).isEqualTo(f.path("expectedDecision").asText());
      assertThat(f.path("cellsCounted").asInt()).isGreaterThanOrEqualTo(200);
      assertThat(f.has("blastPercent")).isTrue();
    }
    assertThat(finals).extracting(f -> f.path("decision").asText()).contains("ALL", "NOT_ALL");
    JsonNode summary = lines.get(lines.size() - 1);
    assertThat(summary.path("event").asText()).isEqualTo("summary");
    assertThat(summary.path("matching").asInt()).isEqualTo(2);
  }
}
