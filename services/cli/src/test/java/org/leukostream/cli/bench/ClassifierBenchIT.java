package org.leukostream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;
import org.leukostream.models.arch.Architecture;

/** The classifier benchmark on the small ensemble A: it reports coherent figures for each batch. */
class ClassifierBenchIT {

  @Test
  void reportsThePeakAndOnePointPerBatchWithTheEnsemblesCompute() throws Exception {
    StringWriter out = new StringWriter();

    int exit =
        Cli.run(
            out,
            new StringWriter(),
            "bench",
            "classifier",
            "--presets",
            "small",
            "--stages",
            "blast",
            "--batches",
            "1,4",
            "--seconds",
            "0.1",
            "--json");

    assertThat(exit).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      lines.add(new ObjectMapper().readTree(line));
    }
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).path("matmulGflops").asDouble()).isPositive();
    double gflopsPerCell =
        2
            * (Architecture.find("vit", "small").orElseThrow().summarize(2).gflops()
                + Architecture.find("efficientnet_b0", "small")
                    .orElseThrow()
                    .summarize(2)
                    .gflops());
    for (JsonNode point : lines.subList(1, 3)) {
      assertThat(point.path("stage").asText()).isEqualTo("blast");
      assertThat(point.path("cellsPerSecond").asDouble()).isPositive();
      assertThat(point.path("gflopsPerCell").asDouble()).isCloseTo(gflopsPerCell, within(0.001));
      assertThat(point.path("achievedGflops").asDouble())
          .isCloseTo(
              point.path("cellsPerSecond").asDouble() * point.path("gflopsPerCell").asDouble(),
              within(0.05 * point.path("achievedGflops").asDouble() + 0.01));
    }
    assertThat(lines.get(1).path("batch").asInt()).isEqualTo(1);
    assertThat(lines.get(2).path("batch").asInt()).isEqualTo(4);
  }

  /**
   * The service's core through the embedded broker: every crop labelled and its offset committed
   * (the command fails otherwise), the ratio is the two rates', and the breakdown names every part
   * of the path with the inference in it.
   */
  @Test
  void throughKafkaLabelsAndCommitsEveryCropAndBreaksDownWhereTheTimeGoes(@TempDir Path dir)
      throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("batch.properties"), "leukostream.classifier.batch.max-size=8\n");
    StringWriter out = new StringWriter();

    int exit =
        Cli.run(
            out,
            new StringWriter(),
            "bench",
            "classifier",
            "--through-kafka",
            "--crops",
            "24",
            "--config",
            config.toString(),
            "--json");

    assertThat(exit).isZero();
    JsonNode result = new ObjectMapper().readTree(out.toString().trim());
    assertThat(result.path("crops").asInt()).isEqualTo(24);
    assertThat(result.path("batch").asInt()).isEqualTo(8);
    assertThat(result.path("ratio").asDouble())
        .isCloseTo(
            result.path("throughKafkaCellsPerSecond").asDouble()
                / result.path("inProcessCellsPerSecond").asDouble(),
            within(0.01));
    JsonNode perCell = result.path("throughKafkaMillisPerCell");
    assertThat(perCell.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "poll", "decode", "awaitModels", "awaitAcks", "commit", "inference", "labelsAndSend");
    assertThat(perCell.path("inference").asDouble()).isPositive();
    perCell.forEach(part -> assertThat(part.asDouble()).isGreaterThanOrEqualTo(0));
    assertThat(result.path("stageMillisPerCell").path("countable").asDouble()).isPositive();
  }
}
