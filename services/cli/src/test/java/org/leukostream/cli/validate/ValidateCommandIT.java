package org.leukostream.cli.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;
import org.leukostream.training.data.SyntheticCells;

/**
 * {@code leukostream validate --json} on virtual patients of synthetic single-cell crops through
 * the whole pipeline, with call rates configured: a line per case with drawn, raw and adjusted
 * percentages and the adjusted interval, the summary, and the table and picture written. (The crops
 * show every cell at one size, so the models' calls are not what this checks; fitting the rates is
 * {@code CohortValidationTest}'s.)
 */
class ValidateCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void validatesVirtualPatientsWithTheAdjustedEstimate() throws Exception {
    Path cells =
        SyntheticCells.write(dir.resolve("cells"), 12, 5, new PrintWriter(new StringWriter()));
    Path config = dir.resolve("rates.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "leukostream.aggregator.rule.rates.true-positive-rate=0.95",
            "leukostream.aggregator.rule.rates.false-positive-rate=0.02",
            "leukostream.aggregator.rule.rates.blasts=400",
            "leukostream.aggregator.rule.rates.non-blasts=800",
            "leukostream.aggregator.rule.rates.measured-on=test rates"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Cli.run(
            out,
            err,
            "validate",
            "--data",
            cells.toString(),
            "--all-images",
            "--cases",
            "3",
            "--seeds",
            "3",
            "--blast-percents",
            "50,20,0",
            "--config",
            config.toString(),
            "--json",
            "--out",
            dir.resolve("report").toString());

    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> lines = out.toString().lines().map(ValidateCommandIT::json).toList();
    List<JsonNode> cases =
        lines.stream().filter(l -> l.path("event").asText().equals("case")).toList();
    assertThat(cases).hasSize(3);
    assertThat(
            cases.stream() // in the order the FINALs came: by case
                .sorted(Comparator.comparing(c -> c.path("caseId").asText()))
                .map(c -> c.path("drawnBlastPercent").asDouble()))
        .satisfiesExactly(
            p -> assertThat(p).isCloseTo(50, within(0.5)),
            p -> assertThat(p).isCloseTo(20, within(0.5)),
            p -> assertThat(p).isZero());
    for (JsonNode c : cases) {
      assertThat(c.path("drawnBlastPercent").isNumber()).isTrue();
      assertThat(c.path("adjustedBlastPercent").isNumber()).as(c.toString()).isTrue();
      assertThat(c.path("adjustedLow").asDouble())
          .isLessThanOrEqualTo(c.path("adjustedBlastPercent").asDouble());
      assertThat(c.path("adjustedHigh").asDouble())
          .isGreaterThanOrEqualTo(c.path("adjustedBlastPercent").asDouble());
    }
    JsonNode summary =
        lines.stream().filter(l -> l.path("event").asText().equals("summary")).findFirst().get();
    assertThat(summary.path("cases").asInt()).isEqualTo(3);
    assertThat(summary.path("accuracy").asDouble())
        .isCloseTo(summary.path("right").asInt() / 3.0, within(1e-3));
    assertThat(summary.path("adjustedMeanAbsoluteError").isNumber()).isTrue();
    assertThat(summary.path("wrongUnflagged").isInt()).as(summary.toString()).isTrue();
    assertThat(summary.path("wrongUnflagged").asInt())
        .isBetween(0, 3 - summary.path("right").asInt());
    assertThat(Files.readAllLines(dir.resolve("report/cases.tsv"))).hasSize(4);
    assertThat(Files.size(dir.resolve("report/measured-vs-drawn.png"))).isPositive();
  }

  @Test
  void refusesABlastPercentOutsideZeroToHundredBeforeStartingAnything() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Cli.run(out, err, "validate", "--data", dir.toString(), "--blast-percents", "10,120");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--blast-percents must lie between 0 and 100: [10.0, 120.0]");
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
