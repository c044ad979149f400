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

    // With --review the demo keeps running for 40 s with the review page on its stack: the page is
    // asked, with the development tokens it prints, while the demo waits.
    java.util.concurrent.CompletableFuture<Integer> demo =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                Cli.run(
                    out,
                    err,
                    "demo",
                    "--cases",
                    "2",
                    "--json",
                    "--reports",
                    reports.toString(),
                    "--trace",
                    "--review",
                    "--review-seconds",
                    "40"));
    JsonNode page =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofMinutes(8))
            .until(
                () ->
                    out.toString()
                        .lines()
                        .filter(l -> l.contains("\"review-page\""))
                        .findFirst()
                        .map(DemoCommandIT::json)
                        .orElse(null),
                java.util.Objects::nonNull);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI me = java.net.URI.create(page.path("url").asText()).resolve("/api/me");
    assertThat(
            http.send(java.net.http.HttpRequest.newBuilder(me).build(), discarding()).statusCode())
        .isEqualTo(401);
    var answer =
        http.send(
            java.net.http.HttpRequest.newBuilder(me)
                .header("Authorization", "Bearer " + page.path("reviewerToken").asText())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(json(answer.body()).path("reviewer").asBoolean()).isTrue();
    var cases =
        http.send(
            java.net.http.HttpRequest.newBuilder(me.resolve("/api/cases"))
                .header("Authorization", "Bearer " + page.path("viewerToken").asText())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(cases.statusCode()).isIn(200, 503); // 503 while the view is still being built
    int exit = demo.get(5, java.util.concurrent.TimeUnit.MINUTES);

    List<JsonNode> lines =
        out.toString()
            .lines()
            .filter(l -> !l.contains("\"review-page\""))
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

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private static java.net.http.HttpResponse.BodyHandler<Void> discarding() {
    return java.net.http.HttpResponse.BodyHandlers.discarding();
  }
}
