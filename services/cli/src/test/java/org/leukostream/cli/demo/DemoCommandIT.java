package org.leukostream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;

/**
 * {@code leukostream demo --json}: the contract's lines, every virtual patient diagnosed right, and
 * the EHR bridge's FHIR report of each FINAL.
 */
class DemoCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path reports;

  @Test
  void theDemoDiagnosesItsVirtualPatientsAsTheirGroundTruthAndExitsZero() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Cli.run(
            out, err, "demo", "--cases", "2", "--json", "--reports", reports.toString(), "--trace");

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
    List<JsonNode> fhir =
        lines.stream().filter(l -> l.path("event").asText().equals("report")).toList();
    assertThat(fhir)
        .extracting(r -> r.path("caseId").asText())
        .containsExactlyInAnyOrderElementsOf(
            finals.stream().map(f -> f.path("caseId").asText()).toList());
    for (JsonNode r : fhir) {
      String caseId = r.path("caseId").asText();
      JsonNode fin =
          finals.stream().filter(f -> f.path("caseId").asText().equals(caseId)).findFirst().get();
      assertThat(r.path("reportStatus").asText()).isEqualTo("PRELIMINARY");
      assertThat(r.path("decision").asText()).isEqualTo(fin.path("decision").asText());
      assertThat(r.path("resources").path("DiagnosticReport").asInt()).isEqualTo(1);
      assertThat(r.path("resources").path("Observation").asInt()).isGreaterThan(3);
      // The Bundle written out is the one on the topic: a transaction naming the case, and the
      // patient only by the pseudonymous key the FINAL carries.
      String bundle = Files.readString(reports.resolve(caseId + ".json"));
      assertThat(bundle.length()).isEqualTo(r.path("bundleBytes").asInt());
      assertThat(bundle).contains("\"transaction\"", caseId, fin.path("patientKey").asText());
      assertThat(bundle).doesNotContain("virtual-" + caseId);
    }
    JsonNode summary = lines.get(lines.size() - 1);
    assertThat(summary.path("event").asText()).isEqualTo("summary");
    assertThat(summary.path("matching").asInt()).isEqualTo(2);
    assertThat(summary.path("fhirReports").asInt()).isEqualTo(2);
    // --trace (with --json on the error stream): the first case's timeline, stage by stage.
    assertThat(err.toString())
        .containsPattern("trace [0-9a-f]{32} of case demo-")
        .contains("scan case", "detector field", "classifier batch", "aggregator final")
        .containsPattern("detector crop x[0-9]+ +children of their fields");
  }
}
