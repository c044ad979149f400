package org.leukostream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;
import org.leukostream.training.data.SyntheticCells;

/**
 * {@code leukostream bench pipeline} with a model set's {@code --config} and virtual patients of
 * single-cell crops ({@code --data}): the models it names are the ones measured, and the figures
 * come from the cells sent. (Speed itself is a figure to report, never asserted.)
 */
class PipelineBenchIT {
  @TempDir Path dir;

  @Test
  void measuresTheModelSetItIsGivenOnRealCellPatients() throws Exception {
    Path cells =
        SyntheticCells.write(dir.resolve("cells"), 12, 5, new PrintWriter(new StringWriter()));
    Path config = dir.resolve("marrow.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "leukostream.detector.model=classpath:org/leukostream/models/marrow/detector",
            "leukostream.classifier.blast.members[0].model="
                + "classpath:org/leukostream/models/marrow/blast-efficientnet",
            "leukostream.classifier.blast.members[0].weight=1.0",
            "leukostream.classifier.blast.members[1].weight=0"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Cli.run(
            out,
            err,
            "bench",
            "pipeline",
            "--cases",
            "2",
            "--rate",
            "120",
            "--data",
            cells.toString(),
            "--all-images",
            "--config",
            config.toString(),
            "--json");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(out.toString().strip());
    List<String> models = new ArrayList<>();
    result.path("models").forEach(m -> models.add(m.asText()));
    assertThat(models).as(result.toString()).isNotEmpty();
    assertThat(models.get(0)).isEqualTo(shippedId("marrow/detector"));
    assertThat(models)
        .contains(shippedId("marrow/blast-efficientnet"))
        .doesNotContain(shippedId("default/detector"), shippedId("default/blast-efficientnet"))
        .noneMatch(m -> m.startsWith("blast-vit:"));
    assertThat(result.path("cellSource").asText()).isEqualTo(cells.toString());
    assertThat(result.path("cases").asInt()).isEqualTo(2);
    assertThat(result.path("cells").asLong()).isPositive();
    assertThat(result.path("casesPerHour").asDouble()).isPositive();
    assertThat(result.path("matching").asInt()).isBetween(0, 2);
  }

  /** name:version of a shipped model, from its manifest on the class path. */
  private static String shippedId(String model) throws Exception {
    try (var in =
        PipelineBenchIT.class.getResourceAsStream(
            "/org/leukostream/models/" + model + "/manifest.json")) {
      JsonNode manifest = new ObjectMapper().readTree(in);
      return manifest.path("name").asText() + ":" + manifest.path("version").asText();
    }
  }
}
