package org.leukostream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.leukostream.cli.JsonLines;

/**
 * A command's output records (package-private, in the command's own package) as JSON lines and as
 * the people's table, with the same names and values.
 */
class JsonLinesTest {
  record Line(String stage, int batch, double cellsPerSecond, String note) {}

  @Test
  void aRecordOfAnotherPackageIsAnEventLineAndATable() throws Exception {
    Line line = new Line("blast", 32, JsonLines.round(134.56789), null);

    StringWriter json = new StringWriter();
    JsonLines.write(new PrintWriter(json), "stage", line);
    JsonNode node = new ObjectMapper().readTree(json.toString());
    assertThat(node.fieldNames())
        .toIterable()
        .containsExactly("event", "stage", "batch", "cellsPerSecond", "note");
    assertThat(node.path("event").asText()).isEqualTo("stage");
    assertThat(node.path("stage").asText()).isEqualTo("blast");
    assertThat(node.path("cellsPerSecond").asDouble()).isEqualTo(134.568);
    assertThat(node.path("note").isNull()).isTrue();

    StringWriter table = new StringWriter();
    JsonLines.table(new PrintWriter(table), line);
    assertThat(table.toString().lines())
        .containsExactly(
            String.format("%-24s %s", "stage", "blast"),
            String.format("%-24s %s", "batch", "32"),
            String.format("%-24s %s", "cellsPerSecond", "134.568"),
            String.format("%-24s %s", "note", "null"));
  }
}
